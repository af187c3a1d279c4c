/**
 * The migration lock: a session-level advisory lock on the run's dedicated
 * connection, keyed on the ledger's qualified name, so two runs against the
 * same ledger never overlap and runs against different ledgers never wait
 * for each other. Waiting is bounded; a busy lock names its holder.
 */
import { createHash } from 'node:crypto';
import { checkAborted, sleepUnlessAborted } from './abort.js';
import { LockBusyError } from './errors.js';
import { qualified, type LedgerTable, type Queryable } from './ledger.js';
import { backoffDelay, realSleep, type Sleep } from './retry.js';

/** First key of the int4 pair: the same for every schema-operator lock (ASCII "SOp", arbitrary but fixed). */
export const LOCK_CLASS = 0x534f70;

/** Second key: 31 bits of sha256 of the ledger's qualified name. */
export function lockKey(t: LedgerTable): number {
  return createHash('sha256').update(qualified(t)).digest().readUInt32BE(0) & 0x7fffffff;
}

/** How long to wait for the lock, and who hears about the wait. */
export interface LockOptions {
  waitMs: number;
  sleep?: Sleep;
  /** Stops the wait (RunAbortedError). */
  signal?: AbortSignal;
  /** Called once, when the lock is first found busy. */
  onBusy?: (holder: string | null) => void;
}

/** Takes the lock, polling with backoff; returns how long it waited. Throws LockBusyError after `waitMs`. */
export async function acquireLock(
  c: Queryable,
  t: LedgerTable,
  opts: LockOptions,
): Promise<number> {
  const sleep = opts.sleep ?? realSleep;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    checkAborted(opts.signal);
    const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
      LOCK_CLASS,
      lockKey(t),
    ]);
    if (rows[0]?.ok) return Date.now() - started;
    const waited = Date.now() - started;
    if (attempt === 0 || waited >= opts.waitMs) {
      const holder = await lockHolder(c, t);
      if (waited >= opts.waitMs) {
        throw new LockBusyError(
          `the migration lock for ${qualified(t)} is held by ${holder ?? 'another session'}; gave up after ${waited} ms`,
          holder,
        );
      }
      opts.onBusy?.(holder);
    }
    await sleepUnlessAborted(
      sleep,
      Math.min(
        backoffDelay(attempt, { baseMs: 50, capMs: 1000 }),
        Math.max(1, opts.waitMs - waited),
      ),
      opts.signal,
    );
  }
}

/** Releases the lock taken by `acquireLock` on the same connection. */
export async function releaseLock(c: Queryable, t: LedgerTable): Promise<void> {
  await c.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, lockKey(t)]);
}

/** "pid 123 (schema-operator migrate@host) since 2026-..." for the session holding the lock, or null. */
export async function lockHolder(c: Queryable, t: LedgerTable): Promise<string | null> {
  const { rows } = await c.query<{
    pid: number;
    app: string;
    addr: string | null;
    since: Date | null;
  }>(
    `SELECT a.pid, a.application_name AS app, host(a.client_addr) AS addr, a.backend_start AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2`,
    [LOCK_CLASS, lockKey(t)],
  );
  const h = rows[0];
  if (!h) return null;
  const app = h.app ? ` ${h.app}` : '';
  const from = h.addr ? ` from ${h.addr}` : '';
  return `pid ${h.pid}${app}${from}, connected since ${h.since?.toISOString() ?? 'unknown'}`;
}
