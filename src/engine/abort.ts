/**
 * Stopping a run from outside: an AbortSignal (a reconcile's deadline, a
 * deleted or changed CR) must stop the run where it is, and the server must
 * stop too. Loops check the signal before every step and sleep no longer
 * than it allows; a statement in flight is cancelled on the server
 * (`pg_cancel_backend` from a side connection) and its socket destroyed at
 * once, so neither a slow statement nor a server that stopped answering
 * holds the caller.
 */
import type pg from 'pg';
import { RunAbortedError } from './errors.js';
import type { Sleep } from './retry.js';

/** How long the side connection that cancels a statement may take, in all. */
const CANCEL_BUDGET_MS = 5_000;

/** The typed error for an aborted signal; its message says why. */
export function abortedError(signal: AbortSignal): RunAbortedError {
  const why = signal.reason as { name?: string; message?: string } | undefined;
  const reason = why?.name === 'TimeoutError' ? 'DeadlineExceeded' : 'Cancelled';
  const text = why?.message || (reason === 'DeadlineExceeded' ? 'deadline passed' : 'cancelled');
  return new RunAbortedError(reason, `run stopped: ${text}`, signal.reason);
}

/** Throws RunAbortedError when `signal` is aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}

/** `sleep(ms)`, cut short by `signal` (then RunAbortedError). */
export async function sleepUnlessAborted(
  sleep: Sleep,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkAborted(signal);
  if (!signal) return sleep(ms);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
  checkAborted(signal);
}

/** Opens a short-lived connection like the run's own, for `pg_cancel_backend`. */
export type SideConnect = () => Promise<pg.Client>;

/**
 * Until the returned function is called, an abort of `signal` cancels the
 * statement `client` is running (from a side connection, in the background,
 * bounded) and destroys its socket, so the pending query fails at once.
 */
export function cancelOnAbort(
  client: pg.Client,
  signal: AbortSignal | undefined,
  side: SideConnect,
): () => void {
  if (!signal) return () => undefined;
  const onAbort = () => {
    const pid = (client as { processID?: number | null }).processID;
    if (pid) void cancelBackend(side, pid);
    client.connection.stream.destroy();
  };
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Best effort: the server stops the backend's statement now, not when it notices the lost client. */
async function cancelBackend(side: SideConnect, pid: number): Promise<void> {
  let c: pg.Client | undefined;
  const timer = setTimeout(() => c?.connection.stream.destroy(), CANCEL_BUDGET_MS);
  try {
    c = await side();
    await c.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The socket is gone already; client_connection_check_interval ends the statement soon after.
  } finally {
    clearTimeout(timer);
    await c?.end().catch(() => undefined);
  }
}
