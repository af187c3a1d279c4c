/**
 * Table size estimates for a plan's findings: the planner's row estimate
 * (pg_class.reltuples) and the bytes on disk with indexes and TOAST
 * (pg_total_relation_size). Estimates, read without scanning: cheap enough
 * to ask on every plan, and what a person approving a rewrite wants to know.
 */
import type { Queryable } from './ledger.js';

/** One table's estimate; rows is null when the table was never analyzed. */
export interface TableSize {
  estimatedRows: number | null;
  sizeBytes: number;
}

/**
 * The estimates of the named tables (as a file names them, schema-qualified
 * or resolved through search_path); names that are no table yet (created by
 * the plan itself) are left out of the map.
 */
export async function tableSizes(c: Queryable, names: string[]): Promise<Map<string, TableSize>> {
  const out = new Map<string, TableSize>();
  const unique = [...new Set(names)];
  if (unique.length === 0) return out;
  // to_regclass resolves a name as the file would, and returns NULL rather than failing.
  const { rows } = await c.query<{ name: string; reltuples: number; bytes: string }>(
    `SELECT n.name, c.reltuples::float8 AS reltuples, pg_total_relation_size(c.oid)::text AS bytes
       FROM unnest($1::text[]) AS n(name)
       JOIN pg_class c ON c.oid = to_regclass(n.name)`,
    [unique],
  );
  for (const r of rows) {
    // reltuples is -1 for a table never vacuumed or analyzed (PostgreSQL 14 on).
    const estimatedRows = r.reltuples < 0 ? null : Math.round(r.reltuples);
    out.set(r.name, { estimatedRows, sizeBytes: Number(r.bytes) });
  }
  return out;
}
