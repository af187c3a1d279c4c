/**
 * Whether an `ADD COLUMN ... DEFAULT expr` must be evaluated per row. Since
 * PostgreSQL 11 a non-volatile default is evaluated once and kept in the
 * catalog (no rewrite); a volatile one (any function with provolatile 'v')
 * rewrites the table. Without a database only built-in functions are known:
 * a call of any other function is reported as possibly volatile. With one,
 * pg_proc.provolatile decides for every function called.
 */
import type { Queryable } from './ledger.js';
import { isSym, isWord } from './lint-tokens.js';
import type { Token } from './splitter.js';

/** pg_proc.provolatile: immutable, stable, volatile. */
export type Volatility = 'i' | 's' | 'v';

/** Volatility of functions by lower-cased name, as read from a database. */
export type VolatilityMap = ReadonlyMap<string, Volatility>;

/** Built-in volatile functions: a default calling one is computed per row. */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setval',
  'txid_current',
  'pg_current_xact_id',
  'gen_random_bytes',
]);

/** Built-in immutable or stable functions and call-like syntax that is not a function call. */
const NOT_VOLATILE = new Set([
  'now',
  'statement_timestamp',
  'transaction_timestamp',
  'current_setting',
  'current_schema',
  'current_database',
  'lower',
  'upper',
  'coalesce',
  'nullif',
  'greatest',
  'least',
  'cast',
  'extract',
  'date_trunc',
  'date_part',
  'to_timestamp',
  'to_char',
  'to_date',
  'make_interval',
  'make_date',
  'concat',
  'length',
  'replace',
  'trim',
  'substring',
  'abs',
  'round',
  'md5',
  'encode',
  'decode',
  'array',
  'row',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'to_jsonb',
  'to_json',
  'timezone',
  'interval',
  // Type names with modifiers, as in `'x'::varchar(10)` or `numeric(10,2) '1'`.
  'varchar',
  'varying',
  'char',
  'character',
  'numeric',
  'decimal',
  'timestamp',
  'timestamptz',
  'time',
  'bit',
  'float',
]);

/** Where the default expression ends in a column definition. */
const AFTER_DEFAULT = [
  'NOT',
  'NULL',
  'CHECK',
  'REFERENCES',
  'UNIQUE',
  'PRIMARY',
  'CONSTRAINT',
  'COLLATE',
  'GENERATED',
];

/** The verdict on a default: the first function that makes it volatile, or possibly so. */
export interface DefaultVolatility {
  /** `volatile`: it rewrites; `unknown`: it calls a function whose volatility is not known. */
  verdict: 'volatile' | 'unknown';
  /** The function, lower-cased. */
  fn: string;
}

/** The tokens of the DEFAULT expression in a column definition, or null when there is none. */
export function defaultExpression(action: Token[]): Token[] | null {
  const d = action.findIndex((tok) => isWord(tok, 'DEFAULT'));
  if (d < 0) return null;
  const out: Token[] = [];
  let depth = 0;
  for (const tok of action.slice(d + 1)) {
    if (depth === 0 && tok.kind === 'word' && AFTER_DEFAULT.includes(tok.value)) break;
    if (isSym(tok, '(')) depth++;
    if (isSym(tok, ')')) depth--;
    out.push(tok);
  }
  return out;
}

/** The functions called in `expr` (lower-cased, schema dropped). */
export function calledFunctions(expr: Token[]): string[] {
  const names: string[] = [];
  expr.forEach((tok, k) => {
    if (!isSym(expr[k + 1], '(') || (tok.kind !== 'word' && tok.kind !== 'quoted')) return;
    // `x::varchar(10)`: a cast's type, not a call.
    if (isSym(expr[k - 1], ':') || isSym(expr[k - 1], '::')) return;
    names.push(tok.kind === 'word' ? tok.value.toLowerCase() : tok.value);
  });
  return names;
}

/**
 * Whether a default made of `expr` is volatile, possibly volatile, or
 * neither (null). `known`, read from the database, wins over the built-in lists.
 */
export function defaultVolatility(expr: Token[], known?: VolatilityMap): DefaultVolatility | null {
  let unknown: string | undefined;
  for (const fn of calledFunctions(expr)) {
    const v = known?.get(fn);
    if (v === 'v' || (v === undefined && VOLATILE.has(fn))) return { verdict: 'volatile', fn };
    if (v === undefined && !NOT_VOLATILE.has(fn)) unknown ??= fn;
  }
  return unknown ? { verdict: 'unknown', fn: unknown } : null;
}

/**
 * Reads pg_proc.provolatile for the functions named (by name, any schema; an
 * overloaded name counts as volatile when any of its overloads is).
 */
export async function readVolatility(c: Queryable, names: string[]): Promise<VolatilityMap> {
  const { rows } = await c.query<{ name: string; v: Volatility }>(
    `SELECT proname AS name, max(provolatile::text) AS v FROM pg_proc
      WHERE proname = ANY($1::text[]) GROUP BY proname`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, r.v]));
}
