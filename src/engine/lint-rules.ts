/**
 * The safety rules of `schema-operator lint`: statements that take strong
 * locks for long on tables that already hold data. Each rule reads one
 * statement's tokens; tables created (without IF NOT EXISTS) earlier in the
 * same file are new and empty, so nothing is flagged on them. Each finding
 * says the lock taken and whether the table is rewritten or scanned, as
 * PostgreSQL does it (see docs/migrations.md).
 */
import { typeChangeRewrites, readType, typeText } from './lint-types.js';
import { isSym, isWord, splitTopLevel, tableName, writtenTableName } from './lint-tokens.js';
import type { TypeTracker } from './lint-tracker.js';
import { defaultExpression, defaultVolatility, type VolatilityMap } from './lint-volatility.js';
import { doBlock, unbatched } from './lint-unbatched.js';
import type { Token } from './splitter.js';

/** The rule names, as used in `-- lint-ignore RULE: reason` comments. */
export const LINT_RULES = {
  'create-index-not-concurrently':
    'CREATE INDEX without CONCURRENTLY blocks writes to the table while it builds',
  'foreign-key-not-valid':
    'a foreign key added without NOT VALID checks every row while blocking writes; add it NOT VALID, then VALIDATE CONSTRAINT',
  'check-not-valid':
    'a CHECK added without NOT VALID scans the table under an exclusive lock; add it NOT VALID, then VALIDATE CONSTRAINT',
  'volatile-default':
    'ADD COLUMN with a volatile default rewrites the whole table under an exclusive lock',
  'set-not-null':
    'SET NOT NULL scans the table under an exclusive lock; add a CHECK (col IS NOT NULL) NOT VALID, validate it, then SET NOT NULL',
  'alter-column-type':
    'this ALTER COLUMN TYPE rewrites the table under an exclusive lock; add a new column and backfill instead',
  'unbatched-update':
    'an UPDATE or DELETE with no WHERE, or with a WHERE that compares nothing (no =, <, >, IN, BETWEEN, ANY) and no LIMIT, locks every row it touches until it commits; batch it',
} as const;

/** One rule's name. */
export type LintRule = keyof typeof LINT_RULES;

/** One rule broken by one statement, with what PostgreSQL does to the table. */
export interface LintHit {
  rule: LintRule;
  /** Replaces the rule's standard message when the case needs its own words. */
  message?: string;
  lock?: string;
  rewrites?: boolean;
  scans?: boolean;
  table?: string;
}

/** What the rules know besides the statement. */
export interface RuleContext {
  /** Tables this file created so far (upper-cased): new and empty. */
  created: Set<string>;
  /** Column types followed through the earlier statements. */
  types: TypeTracker;
  /** Function volatility read from a database, when one was reachable. */
  volatility?: VolatilityMap;
}

const ACCESS_EXCLUSIVE = 'ACCESS EXCLUSIVE';
const SERIAL_TYPES = new Set([
  'SERIAL',
  'BIGSERIAL',
  'SMALLSERIAL',
  'SERIAL4',
  'SERIAL8',
  'SERIAL2',
]);

/** Rules broken by one statement. */
export function checkStatement(t: Token[], ctx: RuleContext): LintHit[] {
  if (isWord(t[0], 'CREATE')) return createStatement(t, ctx.created);
  if (isWord(t[0], 'ALTER') && isWord(t[1], 'TABLE')) return alterTable(t, ctx);
  if (isWord(t[0], 'UPDATE', 'DELETE')) return unbatched(t, 0, ctx.created);
  if (isWord(t[0], 'DO')) return doBlock(t, ctx.created);
  return [];
}

function createStatement(t: Token[], created: Set<string>): LintHit[] {
  let i = 1;
  while (isWord(t[i], 'TEMP', 'TEMPORARY', 'UNLOGGED', 'GLOBAL', 'LOCAL')) i++;
  if (isWord(t[i], 'TABLE')) {
    if (!isWord(t[i + 1], 'IF')) created.add(tableName(t, i + 1).name);
    return [];
  }
  if (isWord(t[i], 'UNIQUE')) i++;
  if (!isWord(t[i], 'INDEX') || isWord(t[i + 1], 'CONCURRENTLY')) return [];
  const on = t.findIndex((tok, k) => k > i && isWord(tok, 'ON'));
  if (on < 0 || created.has(tableName(t, on + 1).name)) return [];
  const table = writtenTableName(t, on + 1);
  return [
    { rule: 'create-index-not-concurrently', lock: 'SHARE', rewrites: false, scans: true, table },
  ];
}

function alterTable(t: Token[], ctx: RuleContext): LintHit[] {
  const { name, next } = tableName(t, 2);
  if (ctx.created.has(name)) return [];
  const table = writtenTableName(t, 2);
  // One finding per rule per statement, the first action's.
  const found = new Map<LintRule, LintHit>();
  for (const action of splitTopLevel(t.slice(next)))
    for (const hit of actionHits(name, action, ctx))
      if (!found.has(hit.rule)) found.set(hit.rule, { ...hit, table });
  return [...found.values()];
}

/** The rules one ALTER TABLE action (`ADD ...`, `ALTER ...`) breaks; `name` is the table's key. */
function actionHits(name: string, action: Token[], ctx: RuleContext): LintHit[] {
  const hits: Array<LintHit | null> = [];
  const notValid = action.some((tok, k) => isWord(tok, 'NOT') && isWord(action[k + 1], 'VALID'));
  const scan = { rewrites: false, scans: true } as const;
  if (isWord(action[0], 'ADD')) {
    if (action.some((tok) => isWord(tok, 'REFERENCES')) && !notValid)
      hits.push({ rule: 'foreign-key-not-valid', lock: 'SHARE ROW EXCLUSIVE', ...scan });
    if (action.some((tok) => isWord(tok, 'CHECK')) && !notValid)
      hits.push({ rule: 'check-not-valid', lock: ACCESS_EXCLUSIVE, ...scan });
    if (isColumnAdd(action)) hits.push(addedColumnRewrite(action, ctx.volatility));
  }
  if (isWord(action[0], 'ALTER')) {
    const s = action.map((tok) => (tok.kind === 'word' ? tok.value : '')).join(' ');
    if (/ SET NOT NULL\b/.test(s))
      hits.push({ rule: 'set-not-null', lock: ACCESS_EXCLUSIVE, ...scan });
    hits.push(typeChange(name, action, ctx.types));
  }
  return hits.filter((h): h is LintHit => h !== null);
}

function isColumnAdd(action: Token[]): boolean {
  return !isWord(action[1], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'EXCLUDE');
}

/** ADD COLUMN that fills every row: a serial or identity column, a stored generated one, a volatile default. */
function addedColumnRewrite(action: Token[], known?: VolatilityMap): LintHit | null {
  const rewrite = {
    rule: 'volatile-default',
    lock: ACCESS_EXCLUSIVE,
    rewrites: true,
    scans: true,
  } as const;
  if (action.some((tok) => tok.kind === 'word' && SERIAL_TYPES.has(tok.value))) return rewrite;
  // A VIRTUAL generated column (the default since PostgreSQL 18 when STORED is not written) stores nothing.
  const generated = action.some((tok) => isWord(tok, 'GENERATED'));
  if (generated && action.some((tok) => isWord(tok, 'IDENTITY', 'STORED')))
    return {
      ...rewrite,
      message:
        'ADD COLUMN of an identity or stored generated column rewrites the whole table under an exclusive lock',
    };
  const expr = defaultExpression(action);
  const v = expr ? defaultVolatility(expr, known) : null;
  if (!v) return null;
  if (v.verdict === 'volatile') return rewrite;
  return {
    rule: 'volatile-default',
    lock: ACCESS_EXCLUSIVE,
    message: `ADD COLUMN with a default calling ${v.fn}(), whose volatility is not known without a database: if it is volatile, the whole table is rewritten under an exclusive lock`,
  };
}

/** ALTER [COLUMN] c [SET DATA] TYPE t [COLLATE x] [USING e]: a finding unless PostgreSQL keeps the table. */
function typeChange(table: string, action: Token[], types: TypeTracker): LintHit | null {
  const i = isWord(action[1], 'COLUMN') ? 2 : 1;
  const at = action.findIndex((tok, k) => k > i && isWord(tok, 'TYPE'));
  if (at < 0 || !(at === i + 1 || isWord(action[at - 1], 'DATA'))) return null;
  const column = action[i]!;
  const { type: to, next } = readType(action, at + 1);
  const using = action.findIndex((tok, k) => k >= next && isWord(tok, 'USING'));
  const plain = using < 0 || isPlainUsing(action.slice(using + 1), column, to);
  const from = types.columnType(table, column.value.toUpperCase());
  const rewrites = typeChangeRewrites(from, to, plain);
  const col = column.kind === 'word' ? column.value.toLowerCase() : column.value;
  const base = { rule: 'alter-column-type', lock: ACCESS_EXCLUSIVE } as const;
  if (rewrites === true)
    return {
      ...base,
      rewrites: true,
      scans: true,
      message: `${col}: ${from ? `${typeText(from)} -> ` : ''}${typeText(to)}${plain ? '' : ' USING an expression'} rewrites the table under an exclusive lock; add a new column and backfill instead`,
    };
  if (rewrites === undefined)
    return {
      ...base,
      message: `${col}: the old type ${from ? `${typeText(from)} ` : ''}is not known here, so whether ${typeText(to)} rewrites the table cannot be told; if it is not binary-coercible, the table is rewritten under an exclusive lock`,
    };
  return null;
}

/** USING that is the column itself, or the column cast to the new type. */
function isPlainUsing(e: Token[], column: Token, to: ReturnType<typeof readType>['type']): boolean {
  if (e[0]?.value.toUpperCase() !== column.value.toUpperCase()) return false;
  if (e.length === 1) return true;
  if (!(isSym(e[1], ':') && isSym(e[2], ':'))) return false;
  const cast = readType(e, 3);
  return cast.next === e.length && typeText(cast.type) === typeText(to);
}
