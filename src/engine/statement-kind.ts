/**
 * Recognises, from a statement's text alone, the statements PostgreSQL
 * refuses inside a transaction block (its PreventInTransactionBlock callers)
 * and the ones that control transactions. Only the text is known here, so a
 * refusal that depends on the database's state (REINDEX or CLUSTER of a
 * partitioned table, a procedure that commits) is left for the server to
 * report; the rules below err towards not flagging, because a false positive
 * would reject a file that would have run.
 */
import { tokens, type Token } from './splitter.js';

/**
 * Why a statement cannot run inside a transaction block, e.g. "CREATE INDEX
 * CONCURRENTLY", or null when it can. The reason is the command name the
 * server puts in front of "cannot run inside a transaction block".
 */
export function nonTransactionalReason(text: string): string | null {
  const t = statementTokens(text, 6);
  const w = (i: number) => word(t, i);
  switch (w(0)) {
    case 'CREATE': {
      const i = w(1) === 'UNIQUE' ? 2 : 1;
      if (w(i) === 'INDEX' && w(i + 1) === 'CONCURRENTLY') return 'CREATE INDEX CONCURRENTLY';
      if (w(1) === 'DATABASE') return 'CREATE DATABASE';
      if (w(1) === 'TABLESPACE') return 'CREATE TABLESPACE';
      if (w(1) === 'SUBSCRIPTION') return createSubscription(statementTokens(text));
      return null;
    }
    case 'DROP':
      if (w(1) === 'INDEX' && w(2) === 'CONCURRENTLY') return 'DROP INDEX CONCURRENTLY';
      if (w(1) === 'DATABASE') return 'DROP DATABASE';
      if (w(1) === 'TABLESPACE') return 'DROP TABLESPACE';
      // Refused only when the subscription has a replication slot, which it has unless made without one.
      if (w(1) === 'SUBSCRIPTION') return 'DROP SUBSCRIPTION';
      return null;
    case 'ALTER':
      if (w(1) === 'SYSTEM') return 'ALTER SYSTEM';
      if (w(1) === 'DATABASE') return alterDatabase(t);
      if (w(1) === 'TABLE') return alterTable(statementTokens(text));
      if (w(1) === 'SUBSCRIPTION') return alterSubscription(statementTokens(text));
      return null;
    case 'REINDEX':
      return reindex(statementTokens(text, 64));
    case 'VACUUM':
      return 'VACUUM';
    case 'CLUSTER':
      return cluster(statementTokens(text, 64));
    case 'DISCARD':
      return w(1) === 'ALL' ? 'DISCARD ALL' : null;
    case 'COMMIT':
    case 'ROLLBACK':
      return w(1) === 'PREPARED' ? `${w(0)} PREPARED` : null;
    default:
      return null;
  }
}

/**
 * True for statements that begin, end or manage a transaction (BEGIN, START
 * TRANSACTION, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE
 * TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED) — a transactional migration
 * file must not contain them. `BEGIN ATOMIC` only occurs inside function
 * bodies and is not a statement start.
 */
export function isTransactionControl(text: string): boolean {
  const t = statementTokens(text, 3);
  switch (word(t, 0)) {
    case 'BEGIN':
      return word(t, 1) !== 'ATOMIC';
    case 'START':
      return word(t, 1) === 'TRANSACTION';
    case 'COMMIT':
    case 'END':
    case 'ROLLBACK':
    case 'ABORT':
    case 'SAVEPOINT':
    case 'RELEASE':
      return true;
    case 'PREPARE':
      // `PREPARE transaction AS ...` prepares a statement named "transaction".
      return word(t, 1) === 'TRANSACTION' && t[2]?.kind === 'string';
    default:
      return false;
  }
}

/** The statement's tokens, without a terminating `;` should the caller have kept it. */
function statementTokens(text: string, limit?: number): Token[] {
  const t = tokens(text, limit);
  while (isSymbol(t.at(-1), ';')) t.pop();
  return t;
}

/** The keyword at `i`, or undefined when that token is not a bare word. */
function word(t: Token[], i: number): string | undefined {
  const tok = t[i];
  return tok?.kind === 'word' ? tok.value : undefined;
}

const isSymbol = (t: Token | undefined, s: string) => t?.kind === 'symbol' && t.value === s;

/** Options of a `( name [=] [value], ... )` list opening at `open`, names lower-cased. */
function optionList(t: Token[], open: number): { options: Map<string, Token | null>; end: number } {
  const options = new Map<string, Token | null>();
  let i = open + 1;
  while (i < t.length && !isSymbol(t[i], ')')) {
    const name = t[i]!;
    const key = name.kind === 'word' ? name.value.toLowerCase() : name.value;
    i++;
    if (isSymbol(t[i], '=')) i++;
    const value = isSymbol(t[i], ',') || isSymbol(t[i], ')') ? null : (t[i] ?? null);
    options.set(key, value);
    // Skip the rest of the value (a signed number, a parenthesised list).
    let depth = 0;
    while (i < t.length && (depth > 0 || !(isSymbol(t[i], ',') || isSymbol(t[i], ')')))) {
      if (isSymbol(t[i], '(')) depth++;
      if (isSymbol(t[i], ')')) depth--;
      i++;
    }
    if (isSymbol(t[i], ',')) i++;
  }
  return { options, end: i + 1 };
}

/** A boolean option as the server reads it: no value is true; unknown values count as true. */
function isTrue(value: Token | null | undefined): boolean {
  if (!value) return true;
  const v = value.value.toLowerCase();
  return !(v === 'false' || v === 'off' || v === '0');
}

/** The options of the statement's last top-level `WITH ( ... )`. */
function withOptions(t: Token[]): Map<string, Token | null> {
  let found = new Map<string, Token | null>();
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (depth === 0 && word(t, i) === 'WITH' && isSymbol(t[i + 1], '(')) {
      const list = optionList(t, i + 1);
      found = list.options;
      i = list.end - 1;
    } else if (isSymbol(t[i], '(')) depth++;
    else if (isSymbol(t[i], ')')) depth--;
  }
  return found;
}

function createSubscription(t: Token[]): string | null {
  const options = withOptions(t);
  // create_slot defaults to the value of connect, which defaults to true.
  const slot = options.has('create_slot')
    ? isTrue(options.get('create_slot'))
    : !options.has('connect') || isTrue(options.get('connect'));
  return slot ? 'CREATE SUBSCRIPTION ... WITH (create_slot = true)' : null;
}

function alterSubscription(t: Token[]): string | null {
  // ALTER SUBSCRIPTION name ...
  const action = word(t, 3);
  if (action === 'REFRESH') return 'ALTER SUBSCRIPTION ... REFRESH';
  const publication = word(t, 4) === 'PUBLICATION';
  if (publication && (action === 'ADD' || action === 'DROP' || action === 'SET')) {
    const options = withOptions(t);
    return !options.has('refresh') || isTrue(options.get('refresh'))
      ? 'ALTER SUBSCRIPTION with refresh'
      : null;
  }
  if (action === 'SET' && isSymbol(t[4], '(')) {
    // These change the replication slot too, which cannot be rolled back (PostgreSQL 17+).
    const { options } = optionList(t, 4);
    if (options.has('failover')) return 'ALTER SUBSCRIPTION ... SET (failover)';
    if (options.has('two_phase') && !isTrue(options.get('two_phase'))) {
      return 'ALTER SUBSCRIPTION ... SET (two_phase)';
    }
  }
  return null;
}

function alterDatabase(t: Token[]): string | null {
  // ALTER DATABASE name [WITH] TABLESPACE [=] x, or SET TABLESPACE x — but
  // `SET tablespace = x` / `SET tablespace TO x` set a parameter of that name.
  const moves =
    word(t, 3) === 'TABLESPACE' ||
    (word(t, 3) === 'WITH' && word(t, 4) === 'TABLESPACE') ||
    (word(t, 3) === 'SET' &&
      word(t, 4) === 'TABLESPACE' &&
      t[5] !== undefined &&
      !isSymbol(t[5], '=') &&
      word(t, 5) !== 'TO');
  return moves ? 'ALTER DATABASE SET TABLESPACE' : null;
}

function alterTable(t: Token[]): string | null {
  // DETACH PARTITION is a command of its own, so CONCURRENTLY can only be the last word.
  const detach = t.some((_, i) => word(t, i) === 'DETACH' && word(t, i + 1) === 'PARTITION');
  return detach && word(t, t.length - 1) === 'CONCURRENTLY'
    ? 'ALTER TABLE ... DETACH CONCURRENTLY'
    : null;
}

function reindex(t: Token[]): string | null {
  // REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name
  let i = 1;
  let concurrently = false;
  if (isSymbol(t[1], '(')) {
    const list = optionList(t, 1);
    concurrently = list.options.has('concurrently') && isTrue(list.options.get('concurrently'));
    i = list.end;
  }
  const target = word(t, i);
  if (concurrently || word(t, i + 1) === 'CONCURRENTLY') return 'REINDEX CONCURRENTLY';
  if (target === 'SCHEMA' || target === 'DATABASE' || target === 'SYSTEM')
    return `REINDEX ${target}`;
  return null;
}

function cluster(t: Token[]): string | null {
  // Without a table CLUSTER works through every clustered table, one transaction each.
  let i = 1;
  if (word(t, 1) === 'VERBOSE') i = 2;
  else if (isSymbol(t[1], '(')) i = optionList(t, 1).end;
  return i >= t.length ? 'CLUSTER' : null;
}

/**
 * True for `DO` blocks and `CALL`s: since PostgreSQL 11 they may COMMIT
 * inside (a batched backfill does), which works only when they are not
 * wrapped in a transaction block. In a no-transaction file they therefore
 * run on their own, like CREATE INDEX CONCURRENTLY.
 */
export function mayCommitInside(text: string): boolean {
  const [first] = tokens(text, 1);
  return first?.kind === 'word' && (first.value === 'DO' || first.value === 'CALL');
}
