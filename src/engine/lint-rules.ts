/**
 * The safety rules of `schema-operator lint`: statements that take strong
 * locks for long on tables that already hold data. Each rule reads one
 * statement's tokens; tables created (without IF NOT EXISTS) earlier in the
 * same file are new and empty, so nothing is flagged on them.
 */
import { splitStatements, tokens, type Token } from './splitter.js';

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
    'ALTER COLUMN TYPE usually rewrites the table under an exclusive lock; add a new column and backfill instead',
  'unbatched-update':
    'an UPDATE or DELETE without a bounded WHERE locks every row it touches until it commits; batch it',
} as const;

/** One rule's name. */
export type LintRule = keyof typeof LINT_RULES;

/** Functions whose value differs per row, so a default using them cannot be stored once in the catalog. */
const VOLATILE = new Set([
  'RANDOM',
  'GEN_RANDOM_UUID',
  'UUID_GENERATE_V1',
  'UUID_GENERATE_V1MC',
  'UUID_GENERATE_V4',
  'CLOCK_TIMESTAMP',
  'TIMEOFDAY',
  'NEXTVAL',
  'TXID_CURRENT',
  'PG_CURRENT_XACT_ID',
]);
const CLAUSE_WORDS = ['FOR', 'KEY', 'ON', 'BEFORE', 'AFTER', 'OR', 'OF', 'INSTEAD'];
const SERIAL_TYPES = new Set([
  'SERIAL',
  'BIGSERIAL',
  'SMALLSERIAL',
  'SERIAL4',
  'SERIAL8',
  'SERIAL2',
]);

const isWord = (t: Token | undefined, ...w: string[]) => t?.kind === 'word' && w.includes(t.value);
const isSym = (t: Token | undefined, s: string) => t?.kind === 'symbol' && t.value === s;

/** Rules broken by one statement; `created` holds the tables this file created so far (upper-cased). */
export function checkStatement(text: string, created: Set<string>): LintRule[] {
  const t = tokens(text);
  if (isWord(t[0], 'CREATE')) return createStatement(t, created);
  if (isWord(t[0], 'ALTER') && isWord(t[1], 'TABLE')) return alterTable(t, created);
  if (isWord(t[0], 'UPDATE', 'DELETE')) return unbatched(t, 0, created);
  if (isWord(t[0], 'DO')) return doBlock(t, created);
  return [];
}

function tableName(t: Token[], i: number): { name: string; next: number } {
  let j = i;
  while (isWord(t[j], 'IF', 'NOT', 'EXISTS', 'ONLY')) j++;
  let name = t[j]?.value ?? '';
  j++;
  while (isSym(t[j], '.')) {
    name = t[j + 1]?.value ?? name;
    j += 2;
  }
  return { name: name.toUpperCase(), next: j };
}

function createStatement(t: Token[], created: Set<string>): LintRule[] {
  let i = 1;
  while (isWord(t[i], 'TEMP', 'TEMPORARY', 'UNLOGGED', 'GLOBAL', 'LOCAL')) i++;
  if (isWord(t[i], 'TABLE')) {
    if (!isWord(t[i + 1], 'IF')) created.add(tableName(t, i + 1).name);
    return [];
  }
  if (isWord(t[i], 'UNIQUE')) i++;
  if (!isWord(t[i], 'INDEX') || isWord(t[i + 1], 'CONCURRENTLY')) return [];
  const on = t.findIndex((tok, k) => k > i && isWord(tok, 'ON'));
  return on > 0 && !created.has(tableName(t, on + 1).name) ? ['create-index-not-concurrently'] : [];
}

function alterTable(t: Token[], created: Set<string>): LintRule[] {
  const { name, next } = tableName(t, 2);
  if (created.has(name)) return [];
  const found = new Set<LintRule>();
  for (const action of splitTopLevel(t.slice(next))) {
    const notValid = action.some((tok, k) => isWord(tok, 'NOT') && isWord(action[k + 1], 'VALID'));
    if (isWord(action[0], 'ADD')) {
      if (action.some((tok) => isWord(tok, 'REFERENCES')) && !notValid)
        found.add('foreign-key-not-valid');
      if (action.some((tok) => isWord(tok, 'CHECK')) && !notValid) found.add('check-not-valid');
      if (isColumnAdd(action) && hasVolatileDefault(action)) found.add('volatile-default');
    }
    if (isWord(action[0], 'ALTER')) {
      const words = action.map((tok) => (tok.kind === 'word' ? tok.value : ''));
      const s = words.join(' ');
      if (/ SET NOT NULL\b/.test(s)) found.add('set-not-null');
      if (/ (SET DATA )?TYPE /.test(s + ' ')) found.add('alter-column-type');
    }
  }
  return [...found];
}

function isColumnAdd(action: Token[]): boolean {
  return !isWord(action[1], 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'EXCLUDE');
}

function hasVolatileDefault(action: Token[]): boolean {
  if (action.some((tok) => tok.kind === 'word' && SERIAL_TYPES.has(tok.value))) return true;
  const d = action.findIndex((tok) => isWord(tok, 'DEFAULT'));
  return (
    d >= 0 &&
    action
      .slice(d + 1)
      .some(
        (tok, k, rest) => tok.kind === 'word' && VOLATILE.has(tok.value) && isSym(rest[k + 1], '('),
      )
  );
}

/**
 * Where the parts of the statement starting at each token are: for every
 * position, the next `;`, WHERE, LIMIT and bounding token (a comparison, IN,
 * BETWEEN, ANY). Built once from the right, so checking every UPDATE of a
 * long DO body stays linear.
 */
interface Ahead {
  semi: Int32Array;
  where: Int32Array;
  limit: Int32Array;
  bound: Int32Array;
}

function ahead(t: Token[]): Ahead {
  const n = t.length;
  const make = () => new Int32Array(n + 1).fill(n);
  const a = { semi: make(), where: make(), limit: make(), bound: make() };
  for (let k = n - 1; k >= 0; k--) {
    const tok = t[k]!;
    a.semi[k] = isSym(tok, ';') ? k : a.semi[k + 1]!;
    a.where[k] = isWord(tok, 'WHERE') ? k : a.where[k + 1]!;
    a.limit[k] = isWord(tok, 'LIMIT') ? k : a.limit[k + 1]!;
    const bounding =
      (tok.kind === 'symbol' && /[=<>]/.test(tok.value)) || isWord(tok, 'IN', 'BETWEEN', 'ANY');
    a.bound[k] = bounding ? k : a.bound[k + 1]!;
  }
  return a;
}

/** UPDATE/DELETE at `i` on an existing table with no WHERE, or a WHERE of null tests only and no LIMIT. */
function unbatched(t: Token[], i: number, created: Set<string>, a = ahead(t)): LintRule[] {
  const target = tableName(t, isWord(t[i], 'DELETE') ? i + 2 : i + 1).name;
  if (created.has(target)) return [];
  const end = a.semi[i + 1]!;
  const where = a.where[i]!;
  if (where >= end) return ['unbatched-update'];
  if (a.limit[i]! < end) return [];
  return a.bound[where + 1]! < end ? [] : ['unbatched-update'];
}

/** In a DO block's body, each UPDATE or DELETE is checked (dynamic SQL in EXECUTE is not). */
function doBlock(t: Token[], created: Set<string>): LintRule[] {
  const body = t.find((tok) => tok.kind === 'string');
  if (!body) return [];
  const found = new Set<LintRule>();
  for (const s of splitStatements(body.value)) {
    const bt = tokens(s.text);
    const a = ahead(bt);
    bt.forEach((tok, k) => {
      // Not `FOR UPDATE`, `ON UPDATE`, `BEFORE UPDATE OR DELETE`: only statements.
      const statement = isWord(tok, 'UPDATE') || isWord(bt[k + 1], 'FROM');
      if (isWord(tok, 'UPDATE', 'DELETE') && statement && !isWord(bt[k - 1], ...CLAUSE_WORDS)) {
        unbatched(bt, k, created, a).forEach((r) => found.add(r));
      }
    });
  }
  return [...found];
}

function splitTopLevel(t: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const tok of t) {
    if (isSym(tok, '(')) depth++;
    if (isSym(tok, ')')) depth--;
    if (depth === 0 && isSym(tok, ',')) parts.push([]);
    else parts.at(-1)!.push(tok);
  }
  return parts.filter((p) => p.length > 0);
}
