/**
 * Which `ALTER COLUMN ... TYPE` changes rewrite the table. PostgreSQL
 * rewrites unless the conversion reduces to the old column value as it is
 * (ATColumnChangeRequiresRewrite in tablecmds.c): a binary-coercible cast
 * (pg_cast castmethod 'b') with no length coercion left over, or a length
 * coercion that a type's support function proves to be a no-op (varchar,
 * varbit, numeric, time and timestamp widening). A USING expression other than
 * the column itself always rewrites. A collation change alone rewrites no
 * table (its indexes are rebuilt).
 */
import type { Token } from './splitter.js';

/** A column type as written, reduced to PostgreSQL's internal name and its modifiers. */
export interface ColumnType {
  /** Internal name (`int4`, `varchar`, `timestamptz`), or the lower-cased name as written for others. */
  name: string;
  /** The type modifiers, e.g. `[10, 2]` for `numeric(10,2)`. */
  mods: number[];
  /** Array dimensions written (`text[]` is 1). */
  array: number;
}

/** Words that end a type inside a column definition or an ALTER TYPE action. */
const AFTER_TYPE = new Set([
  'USING',
  'COLLATE',
  'NOT',
  'NULL',
  'DEFAULT',
  'CONSTRAINT',
  'PRIMARY',
  'UNIQUE',
  'CHECK',
  'REFERENCES',
  'GENERATED',
  'STORAGE',
  'COMPRESSION',
]);

/** Spellings of the same built-in type, as pg_type names it. */
const ALIASES: Record<string, string> = {
  INT: 'int4',
  INTEGER: 'int4',
  INT4: 'int4',
  SERIAL: 'int4',
  SERIAL4: 'int4',
  BIGINT: 'int8',
  INT8: 'int8',
  BIGSERIAL: 'int8',
  SERIAL8: 'int8',
  SMALLINT: 'int2',
  INT2: 'int2',
  SMALLSERIAL: 'int2',
  SERIAL2: 'int2',
  'CHARACTER VARYING': 'varchar',
  'CHAR VARYING': 'varchar',
  VARCHAR: 'varchar',
  CHARACTER: 'bpchar',
  CHAR: 'bpchar',
  BPCHAR: 'bpchar',
  DECIMAL: 'numeric',
  NUMERIC: 'numeric',
  TIMESTAMP: 'timestamp',
  'TIMESTAMP WITHOUT TIME ZONE': 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  TIMESTAMPTZ: 'timestamptz',
  TIME: 'time',
  'TIME WITHOUT TIME ZONE': 'time',
  'TIME WITH TIME ZONE': 'timetz',
  TIMETZ: 'timetz',
  BOOLEAN: 'bool',
  BOOL: 'bool',
  REAL: 'float4',
  FLOAT4: 'float4',
  'DOUBLE PRECISION': 'float8',
  FLOAT8: 'float8',
  FLOAT: 'float8',
  'BIT VARYING': 'varbit',
  VARBIT: 'varbit',
};

/** Built-in types this module knows the casts of; any other name may be a domain or enum. */
const BUILTIN = new Set([
  ...Object.values(ALIASES),
  'text',
  'date',
  'interval',
  'json',
  'jsonb',
  'uuid',
  'bytea',
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'xml',
  'bit',
  'money',
  'oid',
  'regclass',
  'tsvector',
  'point',
  'citext',
]);

/** Binary-coercible casts between different built-in types (castmethod 'b'), from → to. */
const BINARY: Array<[string, string]> = [
  ['varchar', 'text'],
  ['text', 'varchar'],
  ['text', 'bpchar'],
  ['varchar', 'bpchar'],
  ['cidr', 'inet'],
  ['xml', 'text'],
  ['xml', 'varchar'],
  ['bit', 'varbit'],
  ['varbit', 'bit'],
  ['int4', 'oid'],
  ['oid', 'int4'],
  ['oid', 'regclass'],
  ['regclass', 'oid'],
  ['int4', 'regclass'],
];

/** Types whose length or precision coercion is a proven no-op when it widens (their support functions). */
const WIDENS_FREELY = new Set(['varchar', 'varbit']);
const PRECISION = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);
/** Six digits: the highest fractional precision, so `timestamp(6)` equals `timestamp`. */
const MAX_PRECISION = 6;

/** The type written from `t[i]` on, and the index after it. */
export function readType(t: Token[], i: number): { type: ColumnType; next: number } {
  const words: string[] = [];
  const mods: number[] = [];
  let array = 0;
  let j = i;
  for (; j < t.length; j++) {
    const tok = t[j]!;
    if (tok.kind === 'word' && AFTER_TYPE.has(tok.value) && words.length > 0) break;
    if (tok.kind === 'word' || tok.kind === 'quoted') {
      // A schema prefix (`pg_catalog.`) does not change which type it is.
      if (t[j + 1]?.kind === 'symbol' && t[j + 1]!.value === '.') {
        j++;
        continue;
      }
      words.push(tok.kind === 'word' ? tok.value : tok.value.toUpperCase());
    } else if (tok.kind === 'symbol' && tok.value === '(') {
      for (j++; j < t.length && t[j]!.value !== ')'; j++)
        if (t[j]!.kind === 'number') mods.push(Number(t[j]!.value));
    } else if (tok.kind === 'symbol' && tok.value === '[') {
      array++;
      while (j < t.length && t[j]!.value !== ']') j++;
    } else if (!(tok.kind === 'number' && t[j - 1]?.value === '[')) break;
  }
  const written = words.join(' ');
  const name = ALIASES[written] ?? written.toLowerCase();
  // `char` alone is `char(1)`.
  if (name === 'bpchar' && mods.length === 0 && written !== 'BPCHAR') mods.push(1);
  return { type: { name, mods, array }, next: j };
}

/**
 * Whether changing a column from `from` to `to` rewrites the table: true,
 * false, or undefined when it depends on something not known here (the old
 * type, a domain's or enum's casts). `plainUsing` is false when a USING
 * expression other than the column itself (or its cast to `to`) is given.
 */
export function typeChangeRewrites(
  from: ColumnType | undefined,
  to: ColumnType,
  plainUsing = true,
): boolean | undefined {
  if (!plainUsing) return true;
  if (!from) return undefined;
  if (from.array !== to.array) return true;
  if (from.name === to.name)
    return from.array > 0 ? !sameMods(from, to) : sameTypeRewrites(from, to);
  if (!BUILTIN.has(from.name) || !BUILTIN.has(to.name)) return undefined;
  if (from.array > 0) return true;
  if (!BINARY.some(([a, b]) => a === from.name && b === to.name)) return true;
  // The cast is free; a length coercion to a bounded target is not (no old length to compare).
  return to.mods.length > 0;
}

function sameMods(a: ColumnType, b: ColumnType): boolean {
  return a.mods.length === b.mods.length && a.mods.every((m, k) => m === b.mods[k]);
}

function sameTypeRewrites(from: ColumnType, to: ColumnType): boolean {
  if (sameMods(from, to)) return false;
  const [oldLen] = from.mods;
  const [newLen] = to.mods;
  if (WIDENS_FREELY.has(to.name))
    return newLen !== undefined && (oldLen === undefined || newLen < oldLen);
  if (to.name === 'numeric') {
    if (newLen === undefined) return false;
    if (oldLen === undefined) return true;
    return (from.mods[1] ?? 0) !== (to.mods[1] ?? 0) || newLen < oldLen;
  }
  if (PRECISION.has(to.name)) {
    if (newLen === undefined || newLen >= MAX_PRECISION) return false;
    return oldLen === undefined || newLen < oldLen;
  }
  // bpchar, bit and others have no support function: any modifier change coerces every value.
  return true;
}

/** A type as PostgreSQL would print it, for messages (`varchar(10)`, `int4[]`). */
export function typeText(t: ColumnType): string {
  const mods = t.mods.length > 0 ? `(${t.mods.join(',')})` : '';
  return `${t.name}${mods}${'[]'.repeat(t.array)}`;
}
