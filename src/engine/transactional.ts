/**
 * A transactional migration in one round trip: `BEGIN`, the timeouts, the
 * file, its ledger row and `COMMIT` go to the server as one simple-protocol
 * query, as psql -1 would send them, so a run of many small files costs one
 * round trip each instead of one per statement.
 *
 * When it fails, the statement and line still have to be named. A server
 * position (syntax errors, unknown tables and columns) points straight at
 * them. Without one, the file is run again statement by statement inside a
 * transaction that is always rolled back, until the error shows itself;
 * transient errors skip that (they are retried, not diagnosed).
 */
import type pg from 'pg';
import { qualified, type LedgerTable } from './ledger.js';
import type { Migration } from './source.js';
import type { Statement } from './splitter.js';

/** What the one query needs besides the migration. */
export interface OneShot {
  client: pg.Client;
  ledger: LedgerTable;
  appliedBy: string;
  outOfOrder: boolean;
  /** `SET LOCAL ...` for this migration's timeouts. */
  timeouts: string;
}

/** The failing statement, found from the error's position or by a rolled-back replay. */
export interface Located {
  statement: Statement | null;
  /** The error to report: the original, or the replay's when that found the statement. */
  error: unknown;
  /** The server's position within the statement (1-based), when it gave one. */
  position?: number;
}

/** Runs `m` and its ledger row in one transaction, in one round trip; throws the server's error. */
export async function runInOneQuery(o: OneShot, m: Migration): Promise<void> {
  try {
    await o.client.query(build(o, m).query);
  } catch (err) {
    await o.client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function build(o: OneShot, m: Migration): { prefix: string; suffix: string; query: string } {
  const lit = (v: string) => o.client.escapeLiteral(v);
  const prefix = `BEGIN; ${o.timeouts};\n`;
  // The newline first: a file ending in a `--` comment must not swallow the `;`.
  // The ledger row is the run's, whatever role the file switched to (undone at COMMIT).
  const suffix =
    `\n;\nSET LOCAL SESSION AUTHORIZATION DEFAULT; SET LOCAL ROLE NONE;\nINSERT INTO ${qualified(o.ledger)} (version, name, checksum, kind, transactional, out_of_order, applied_by, started_at, execution_ms, statements_checksum)` +
    ` VALUES (${lit(m.version)}, ${lit(m.name)}, ${lit(m.checksum)}, 'migration', true, ${o.outOfOrder}, ${lit(o.appliedBy)},` +
    ` now(), greatest(0, round(extract(epoch FROM clock_timestamp() - now()) * 1000))::int, ${lit(m.statementsChecksum)});\nCOMMIT`;
  return { prefix, suffix, query: prefix + m.sql + suffix };
}

/**
 * Runs `m` statement by statement inside one transaction with its ledger
 * row: for a file that changes `standard_conforming_strings`, whose later
 * statements the server must read after the setting took effect (sent as
 * one query, the whole file is parsed before any of it runs). Returns the
 * failing statement, or null when it committed.
 */
export async function runInSteps(o: OneShot, m: Migration): Promise<Located | null> {
  const c = o.client;
  const { prefix, suffix } = build(o, m);
  let current: Statement | null = null;
  try {
    await c.query(prefix);
    for (const s of m.statements) {
      current = s;
      await c.query(s.text);
    }
    current = null;
    await c.query(suffix);
    return null;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    const position = Number((err as { position?: string }).position) || undefined;
    return { statement: current, error: err, position: current ? position : undefined };
  }
}

/** The statement of `m` that `err` came from. */
export async function locate(
  o: OneShot,
  m: Migration,
  err: unknown,
  diagnose: boolean,
): Promise<Located> {
  const position = Number((err as { position?: string }).position);
  if (Number.isInteger(position) && position > 0) {
    const offset = position - 1 - build(o, m).prefix.length;
    const s = m.statements.findLast((st) => st.offset <= offset) ?? null;
    if (s && offset < s.offset + s.text.length + 1)
      return { statement: s, error: err, position: offset - s.offset + 1 };
  }
  return diagnose ? replay(o, m, err) : { statement: null, error: err };
}

/** Re-runs the statements in a transaction that is rolled back, to find the one that fails. */
async function replay(o: OneShot, m: Migration, original: unknown): Promise<Located> {
  const c = o.client;
  try {
    await c.query(`BEGIN; ${o.timeouts}`);
    for (const s of m.statements) {
      try {
        await c.query(s.text);
      } catch (err) {
        return {
          statement: s,
          error: err,
          position: Number((err as { position?: string }).position) || undefined,
        };
      }
    }
    return { statement: null, error: original };
  } catch {
    return { statement: null, error: original };
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
  }
}
