/**
 * The `unbatched-update` rule: an UPDATE or DELETE with no WHERE, or with a
 * WHERE that compares nothing (no =, <, >, IN, BETWEEN, ANY) and no LIMIT,
 * touches every row and holds their locks until it commits.
 */
import type { LintHit } from './lint-rules.js';
import { isSym, isWord, tableName, writtenTableName } from './lint-tokens.js';
import { splitStatements, tokens, type Token } from './splitter.js';

const CLAUSE_WORDS = ['FOR', 'KEY', 'ON', 'BEFORE', 'AFTER', 'OR', 'OF', 'INSTEAD'];

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

/**
 * UPDATE/DELETE at `i` on an existing table with no WHERE, or with a WHERE
 * holding no comparison (=, <, >, IN, BETWEEN, ANY: e.g. only IS NULL tests
 * or a boolean column) and no LIMIT in the statement.
 */
export function unbatched(t: Token[], i: number, created: Set<string>, a = ahead(t)): LintHit[] {
  const at = isWord(t[i], 'DELETE') ? i + 2 : i + 1;
  const target = tableName(t, at).name;
  if (created.has(target)) return [];
  const end = a.semi[i + 1]!;
  const where = a.where[i]!;
  const hit: LintHit = {
    rule: 'unbatched-update',
    lock: 'ROW EXCLUSIVE',
    rewrites: false,
    table: writtenTableName(t, at),
  };
  if (where >= end) return [{ ...hit, scans: true }];
  if (a.limit[i]! < end) return [];
  return a.bound[where + 1]! < end ? [] : [hit];
}

/** In a DO block's body, each UPDATE or DELETE is checked (dynamic SQL in EXECUTE is not). */
export function doBlock(t: Token[], created: Set<string>): LintHit[] {
  const body = t.find((tok) => tok.kind === 'string');
  if (!body) return [];
  const found: LintHit[] = [];
  for (const s of splitStatements(body.value)) {
    const bt = tokens(s.text);
    const a = ahead(bt);
    bt.forEach((tok, k) => {
      // Not `FOR UPDATE`, `ON UPDATE`, `BEFORE UPDATE OR DELETE`: only statements.
      const statement = isWord(tok, 'UPDATE') || isWord(bt[k + 1], 'FROM');
      if (isWord(tok, 'UPDATE', 'DELETE') && statement && !isWord(bt[k - 1], ...CLAUSE_WORDS)) {
        found.push(...unbatched(bt, k, created, a));
      }
    });
  }
  return found.slice(0, 1);
}
