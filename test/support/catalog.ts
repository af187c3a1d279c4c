/**
 * A catalog dump for comparing schemas built different ways: tables,
 * columns (type, default, nullability), indexes (definition, validity),
 * constraints and triggers of the user schemas, in a stable order.
 * The ledger tables are left out: they record how, not what.
 */
import { query } from './pg.js';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;
const NOT_LEDGER = `c.relname NOT LIKE 'schema\\_operator\\_%'`;

/** The schema of the database at `url`, as sorted lines of text. */
export async function catalogDump(url: string): Promise<string[]> {
  const sections = await Promise.all([
    query<{ l: string }>(
      url,
      `SELECT format('column %I.%I.%I %s%s%s', n.nspname, c.relname, a.attname,
                     format_type(a.atttypid, a.atttypmod),
                     CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                     coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')) AS l
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
          AND ${USER_SCHEMAS} AND ${NOT_LEDGER}`,
    ),
    query<{ l: string }>(
      url,
      `SELECT format('index %s%s', pg_get_indexdef(i.indexrelid),
                     CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END) AS l
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} AND ${NOT_LEDGER}`,
    ),
    query<{ l: string }>(
      url,
      `SELECT format('constraint %I.%I %s %s%s', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid),
                     CASE WHEN k.convalidated THEN '' ELSE ' NOT VALIDATED' END) AS l
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} AND ${NOT_LEDGER}`,
    ),
    query<{ l: string }>(
      url,
      `SELECT format('trigger %I.%I %s', n.nspname, c.relname, pg_get_triggerdef(t.oid)) AS l
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND ${USER_SCHEMAS}`,
    ),
  ]);
  return sections
    .flat()
    .map((r) => r.l)
    .sort();
}
