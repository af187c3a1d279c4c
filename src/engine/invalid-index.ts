/**
 * A `CREATE INDEX CONCURRENTLY` that fails (a timeout, a killed run) leaves
 * an INVALID index behind. Run again, the statement either fails with
 * "already exists" or, with IF NOT EXISTS, silently keeps the broken index.
 * Before each such statement the engine drops an invalid index of that name,
 * so a retried or resumed run ends with a valid index.
 */
import type { Queryable } from './ledger.js';

const CREATE_INDEX_CONCURRENTLY =
  /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s+ON\s+(?:ONLY\s+)?((?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?)/i;

/** The index and table named by a CREATE INDEX CONCURRENTLY statement, as written; null otherwise. */
export function concurrentIndexTarget(text: string): { index: string; table: string } | null {
  const m = CREATE_INDEX_CONCURRENTLY.exec(stripLeadingComments(text));
  return m ? { index: m[1]!, table: m[2]! } : null;
}

/** Drops the statement's index if a previous try left it invalid. */
export async function dropInvalidIndexBefore(c: Queryable, text: string): Promise<void> {
  const target = concurrentIndexTarget(text);
  if (!target) return;
  const { rows } = await c.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, ic.relname) AS name
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = ic.relnamespace
      WHERE i.indrelid = to_regclass($1) AND NOT i.indisvalid
        AND quote_ident(ic.relname) = $2`,
    [target.table, normalizeIdent(target.index)],
  );
  for (const r of rows) await c.query(`DROP INDEX CONCURRENTLY IF EXISTS ${r.name}`);
}

/** An identifier as quote_ident would print it: unquoted names fold to lower case. */
function normalizeIdent(ident: string): string {
  if (ident.startsWith('"')) {
    const raw = ident.slice(1, -1).replace(/""/g, '"');
    return /^[a-z_][a-z0-9_$]*$/.test(raw) ? raw : `"${raw.replace(/"/g, '""')}"`;
  }
  return ident.toLowerCase();
}

function stripLeadingComments(text: string): string {
  let t = text.trimStart();
  for (;;) {
    if (t.startsWith('--'))
      t = t.slice(t.indexOf('\n') === -1 ? t.length : t.indexOf('\n')).trimStart();
    else if (t.startsWith('/*'))
      t = t.slice(t.indexOf('*/') === -1 ? t.length : t.indexOf('*/') + 2).trimStart();
    else return t;
  }
}
