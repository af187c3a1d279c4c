/**
 * Applying one migration on the run's connection. A transactional file runs
 * in one transaction together with its ledger row. A `no-transaction` file
 * runs statement by statement, each finished statement recorded in the
 * attempts table, so a run that died half-way resumes after the last
 * recorded statement. Transient errors are retried with backoff; the rest
 * fail at once. Every failure is appended to the attempts table.
 */
import type pg from 'pg';
import { abortedError, checkAborted, sleepUnlessAborted } from './abort.js';
import { isConnectionLost } from './connection.js';
import { MigrationFailedError, type MigrationFailure } from './errors.js';
import {
  ensureAttemptsTable,
  insertAttempt,
  insertLedgerRow,
  statementsDone,
  type LedgerTable,
} from './ledger.js';
import { backoffDelay, isTransientSqlState, realSleep, type Sleep } from './retry.js';
import type { Migration } from './source.js';
import type { Statement } from './splitter.js';
import { mayCommitInside, nonTransactionalReason } from './statement-kind.js';
import { pgDuration } from './duration.js';
import { dropInvalidIndexBefore } from './invalid-index.js';
import { asRunner, resetSession } from './session.js';
import { isSessionSetting } from './session-state.js';
import { standardConformingStringsChange } from './splitter.js';
import { locate, runInOneQuery, runInSteps } from './transactional.js';

/** What applying needs besides the migration. */
export interface ApplyContext {
  client: pg.Client;
  ledger: LedgerTable;
  appliedBy: string;
  outOfOrder: boolean;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  maxRetries: number;
  sleep?: Sleep;
  random?: () => number;
  /** Stops retries and the statement loop (RunAbortedError). */
  signal?: AbortSignal;
  onRetry?: (m: Migration, error: MigrationFailedError, attempt: number, delayMs: number) => void;
  onStatement?: (m: Migration, index: number, total: number) => void;
}

/** Retry backoff for transient failures of one migration. */
const RETRY_BACKOFF = { baseMs: 250, capMs: 15_000 };

/** Applies `m` and records it; throws MigrationFailedError. */
export async function applyMigration(ctx: ApplyContext, m: Migration): Promise<void> {
  if (m.transactional) {
    await withRetries(ctx, m, () => runTransactional(ctx, m));
    // A session-level SET in the file ends with it, as with psql's session per file.
    if (m.statements.some((s) => isSessionSetting(s.text))) await resetSession(ctx.client);
  } else {
    await runStatementByStatement(ctx, m);
  }
}

async function runTransactional(ctx: ApplyContext, m: Migration): Promise<void> {
  const o = {
    client: ctx.client,
    ledger: ctx.ledger,
    appliedBy: ctx.appliedBy,
    outOfOrder: ctx.outOfOrder,
    timeouts: timeouts(ctx, m, 'LOCAL'),
  };
  if (m.statements.some((s) => standardConformingStringsChange(s.text) !== undefined)) {
    const found = await runInSteps(o, m);
    if (found) throw failure(m, found.statement, found.error, found.position);
    return;
  }
  try {
    await runInOneQuery(o, m);
  } catch (err) {
    if (isConnectionLost(err)) throw failure(m, null, err);
    const code = (err as { code?: string }).code;
    const found = await locate(o, m, err, !isTransientSqlState(code));
    throw failure(m, found.statement, found.error, found.position);
  }
}

async function runStatementByStatement(ctx: ApplyContext, m: Migration): Promise<void> {
  const c = ctx.client;
  const startedAt = new Date();
  // Its progress rows go to the attempts table, made now if this is the ledger's first.
  await ensureAttemptsTable(c, ctx.ledger);
  const done = await statementsDone(c, ctx.ledger, m.version, m.checksum);
  // The engine's timeouts come first, so that the file's own SETs override them.
  await c.query(timeouts(ctx, m, 'SESSION'));
  try {
    await replaySettings(ctx, m, done);
    for (let i = done; i < m.statements.length; i++) {
      checkAborted(ctx.signal);
      ctx.onStatement?.(m, i, m.statements.length);
      await withRetries(ctx, m, () => runOne(ctx, m, i));
    }
    await asRunner(c, false, () =>
      insertLedgerRow(c, ctx.ledger, {
        version: m.version,
        name: m.name,
        checksum: m.checksum,
        statementsChecksum: m.statementsChecksum,
        kind: 'migration',
        transactional: false,
        outOfOrder: ctx.outOfOrder,
        appliedBy: ctx.appliedBy,
        startedAt,
      }),
    );
  } finally {
    // What the file set ends with it: the next file starts from the connection's defaults.
    await resetSession(c).catch(() => undefined);
  }
}

/**
 * A resumed file gets back the session settings (SET, SET ROLE, RESET, ...)
 * of the statements that ran before the failure, in their order, as psql
 * would still have them on its session.
 */
async function replaySettings(ctx: ApplyContext, m: Migration, done: number): Promise<void> {
  for (const s of m.statements.slice(0, done)) {
    if (!isSessionSetting(s.text)) continue;
    try {
      await ctx.client.query(s.text);
    } catch (err) {
      throw failure(m, s, err);
    }
  }
}

/** Statement `i` of `m` and its progress row. */
async function runOne(ctx: ApplyContext, m: Migration, i: number): Promise<void> {
  const c = ctx.client;
  const s = m.statements[i]!;
  const progress = {
    version: m.version,
    name: m.name,
    checksum: m.checksum,
    status: 'progress' as const,
    statementIndex: i,
    line: s.line,
    appliedBy: ctx.appliedBy,
  };
  const atLeastOnce = nonTransactionalReason(s.text) || mayCommitInside(s.text);
  try {
    if (atLeastOnce) {
      // Cannot share a transaction with its progress row: at-least-once.
      await dropInvalidIndexBefore(c, s.text);
      await c.query(s.text);
    } else {
      // The statement and its progress row commit together: exactly once.
      await c.query('BEGIN');
      await c.query(s.text);
    }
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw failure(m, s, err);
  }
  // A failed progress write is the engine's, not the statement's: no statement named.
  await asRunner(c, !atLeastOnce, () => insertAttempt(c, ctx.ledger, progress)).catch(
    (err: unknown) => {
      throw failure(m, null, err);
    },
  );
}

/** Runs `attempt` until it succeeds, a non-transient error occurs, or retries run out. */
async function withRetries(
  ctx: ApplyContext,
  m: Migration,
  attempt: () => Promise<void>,
): Promise<void> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (ctx.signal?.aborted) throw abortedError(ctx.signal);
      if (!(err instanceof MigrationFailedError)) throw err;
      err.failure.attempts = n;
      // Without a connection there is nowhere to record it: the run retries from the top.
      if (err.reason === 'ConnectionError') throw err;
      await asRunner(ctx.client, false, async () => {
        // The first failure this ledger records makes the attempts table.
        await ensureAttemptsTable(ctx.client, ctx.ledger);
        await insertAttempt(ctx.client, ctx.ledger, {
          version: m.version,
          name: m.name,
          checksum: m.checksum,
          status: 'failed',
          sqlState: err.failure.sqlState,
          message: err.failure.message,
          statement: err.failure.statement,
          line: err.failure.line,
          appliedBy: ctx.appliedBy,
        });
      }).catch(() => undefined);
      if (!err.transient || n > ctx.maxRetries) throw err;
      const delay = backoffDelay(n - 1, { ...RETRY_BACKOFF, random: ctx.random });
      ctx.onRetry?.(m, err, n, delay);
      await sleepUnlessAborted(ctx.sleep ?? realSleep, delay, ctx.signal);
    }
  }
}

function timeouts(ctx: ApplyContext, m: Migration, scope: 'LOCAL' | 'SESSION'): string {
  const lock = pgDuration(m.lockTimeoutMs ?? ctx.lockTimeoutMs);
  const statement = pgDuration(m.statementTimeoutMs ?? ctx.statementTimeoutMs);
  return `SET ${scope} lock_timeout = '${lock}'; SET ${scope} statement_timeout = '${statement}'`;
}

/** Translates a PostgreSQL error into a MigrationFailedError with file, line and SQLSTATE. */
function failure(
  m: Migration,
  s: Statement | null,
  err: unknown,
  position?: number,
): MigrationFailedError {
  const e = err as pg.DatabaseError;
  const sqlState = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  const f: MigrationFailure = {
    version: m.version,
    name: m.name,
    file: m.file,
    sqlState,
    message: e.message ?? String(err),
    statement: s ? excerpt(s.text) : null,
    line: s ? lineOf(s, position ?? Number(e.position)) : null,
    attempts: 1,
  };
  if (isConnectionLost(err)) return new MigrationFailedError(f, 'ConnectionError', true, err);
  if (sqlState === '55P03') return new MigrationFailedError(f, 'LockTimeout', true, err);
  return new MigrationFailedError(f, 'SQLError', isTransientSqlState(sqlState), err);
}

/** The script line of the error: the statement's first line, moved down by the server's position. */
function lineOf(s: Statement, p: number): number {
  if (!Number.isInteger(p) || p < 1) return s.line;
  return s.line + (s.text.slice(0, p - 1).match(/\n/g)?.length ?? 0);
}

/** The first 200 characters of a statement, on one line. */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? flat.slice(0, 199) + '…' : flat;
}
