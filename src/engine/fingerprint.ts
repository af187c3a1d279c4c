/**
 * A fingerprint of the schema a ledger manages: every object in its schemas
 * mapped to a normalized definition, read in one catalog query. Stored beside
 * the ledger after each run, it is what drift is measured against.
 */
import {
  fingerprintTable,
  qualified,
  tableExists,
  type LedgerTable,
  type Queryable,
} from './ledger.js';

/** Object key (`column app.users.email`) -> normalized definition text. */
export type Fingerprint = Record<string, string>;

/**
 * One row per object. Keys read `<kind> <schema>.<name>`; the ledger's own
 * tables (and their columns, indexes, sequences) are left out so recording a
 * run is never drift.
 */
const CATALOG_SQL = `
WITH ns AS (
  SELECT oid, nspname FROM pg_namespace WHERE nspname = ANY($1::text[])
), own AS (
  SELECT c.oid FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relname LIKE $2 || '%'
)
SELECT 'table ' || ns.nspname || '.' || c.relname AS key, c.relkind::text AS def
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
  WHERE c.relkind IN ('r','p') AND c.oid NOT IN (SELECT oid FROM own)
UNION ALL
SELECT 'column ' || ns.nspname || '.' || c.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN ns ON ns.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE c.relkind IN ('r','p') AND a.attnum > 0 AND NOT a.attisdropped
    AND c.oid NOT IN (SELECT oid FROM own)
UNION ALL
SELECT 'constraint ' || ns.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN ns ON ns.oid = c.relnamespace
  WHERE c.oid NOT IN (SELECT oid FROM own)
UNION ALL
SELECT 'index ' || ns.nspname || '.' || i.relname, pg_get_indexdef(i.oid)
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN ns ON ns.oid = i.relnamespace
  WHERE x.indrelid NOT IN (SELECT oid FROM own)
UNION ALL
SELECT 'view ' || ns.nspname || '.' || c.relname, pg_get_viewdef(c.oid)
  FROM pg_class c JOIN ns ON ns.oid = c.relnamespace WHERE c.relkind IN ('v','m')
UNION ALL
SELECT 'sequence ' || ns.nspname || '.' || c.relname,
       format_type(s.seqtypid, NULL) || ' increment ' || s.seqincrement
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN ns ON ns.oid = c.relnamespace
  WHERE c.oid NOT IN (SELECT oid FROM own)
UNION ALL
SELECT 'function ' || ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       md5(pg_get_functiondef(p.oid))
  FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace WHERE p.prokind IN ('f','p')
UNION ALL
SELECT 'trigger ' || ns.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON ns.oid = c.relnamespace
  WHERE NOT t.tgisinternal
UNION ALL
SELECT 'enum ' || ns.nspname || '.' || ty.typname,
       (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = ty.oid)
  FROM pg_type ty JOIN ns ON ns.oid = ty.typnamespace WHERE ty.typtype = 'e'
`;

/** Reads the live fingerprint of `schemas`, leaving out the ledger's own tables. */
export async function readFingerprint(
  c: Queryable,
  ledger: LedgerTable,
  schemas: readonly string[],
): Promise<Fingerprint> {
  // The ledger, its attempts and owner tables all share the ledger name's stem.
  const stem = ledger.name.replace(/_history$/, '');
  const all = [...new Set([ledger.schema, ...schemas])];
  const res = await c.query<{ key: string; def: string | null }>(CATALOG_SQL, [all, stem]);
  const fp: Fingerprint = {};
  for (const r of res.rows) fp[r.key] = r.def ?? '';
  return fp;
}

/** What was recorded after the last successful run. */
export interface StoredFingerprint {
  objects: Fingerprint;
  takenAt: Date;
}

/**
 * Records the live fingerprint (one row, replaced each time) in the table
 * `ensureLedger` creates beside the ledger: call that first. Call under the
 * migration lock.
 */
export async function recordFingerprint(
  c: Queryable,
  ledger: LedgerTable,
  schemas: readonly string[],
): Promise<Fingerprint> {
  const fp = await readFingerprint(c, ledger, schemas);
  const t = qualified(fingerprintTable(ledger));
  await c.query(
    `INSERT INTO ${t} (id, objects, taken_at) VALUES (1, $1, now())
     ON CONFLICT (id) DO UPDATE SET objects = EXCLUDED.objects, taken_at = EXCLUDED.taken_at`,
    [JSON.stringify(fp)],
  );
  return fp;
}

/**
 * Whether a fingerprint is recorded, without reading it: a run with nothing
 * to do asks only this, and the recorded objects of a large schema are
 * megabytes of JSON to send and parse.
 */
export async function hasStoredFingerprint(c: Queryable, ledger: LedgerTable): Promise<boolean> {
  const t = fingerprintTable(ledger);
  if (!(await tableExists(c, t))) return false;
  const res = await c.query(`SELECT 1 FROM ${qualified(t)} WHERE id = 1`);
  return res.rows.length > 0;
}

/** The recorded fingerprint, or null when none was recorded yet. */
export async function readStoredFingerprint(
  c: Queryable,
  ledger: LedgerTable,
): Promise<StoredFingerprint | null> {
  const t = fingerprintTable(ledger);
  if (!(await tableExists(c, t))) return null;
  const res = await c.query<{ objects: Fingerprint; taken_at: Date }>(
    `SELECT objects, taken_at FROM ${qualified(t)} WHERE id = 1`,
  );
  const row = res.rows[0];
  return row ? { objects: row.objects, takenAt: row.taken_at } : null;
}
