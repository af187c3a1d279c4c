/**
 * Where a run gets its connection. The CLI opens a new one per run (the
 * default); the operator lends one from a per-database pool (session-pool.ts)
 * and takes it back afterwards. Either way the run has the connection to
 * itself from start to end, so what a file set on its session never reaches
 * another run.
 */
import type pg from 'pg';
import { abortedError, cancelOnAbort } from './abort.js';
import { connect, isConnectionLost, withConnection, type ConnectOptions } from './connection.js';

/** How a run gives its connection back. */
export interface ReleaseOptions {
  /**
   * True when the session ended cleanly: its lock released, no query in
   * flight, not aborted. False destroys the connection instead of reusing it.
   */
  reusable: boolean;
  /**
   * Only the engine's own reads ran (a ledger stamp, a drift check): nothing
   * changed the session, so it needs no reset before the next run.
   */
  untouched?: boolean;
}

/** Lends a run a connection of its own and takes it back. */
export interface ConnectionSource {
  /** A connection for this run alone; throws ConnectionError or RunAbortedError like `connect`. */
  acquire(opts: ConnectOptions): Promise<pg.Client>;
  /** Gives `c` back; never rejects. */
  release(c: pg.Client, o: ReleaseOptions): Promise<void>;
  /**
   * True when the source finishes taking a connection back on its own (a
   * pool resetting a session, which its next borrower waits for): a run
   * need not wait for `release` before it returns.
   */
  readonly releasesBehind?: boolean;
}

/** A new connection per run, closed at its end: what the CLI uses. */
export const NEW_CONNECTION_PER_RUN: ConnectionSource = {
  acquire: (opts) => connect(opts),
  async release(c) {
    await c.end().catch(() => undefined);
  },
};

/**
 * Runs `fn` on a session from `source` (a new connection when absent) and
 * gives it back: reusable unless the run was aborted or the session lost.
 * For the engine's own reads only: `fn` must leave the session as it found
 * it (no SET, no transaction left open), since it is given back without a reset.
 */
export async function withSession<T>(
  source: ConnectionSource | undefined,
  opts: ConnectOptions,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  // Without a pool it is a dedicated connection, with withConnection's handling of aborts.
  if (!source) return withConnection(opts, fn);
  const client = await source.acquire(opts);
  const stop = cancelOnAbort(client, opts.signal, () => connect({ ...opts, signal: undefined }));
  let reusable = false;
  try {
    const result = await fn(client);
    reusable = true;
    return result;
  } catch (err) {
    if (opts.signal?.aborted) throw abortedError(opts.signal);
    reusable = !isConnectionLost(err);
    throw err;
  } finally {
    stop();
    await source.release(client, { reusable: reusable && !opts.signal?.aborted, untouched: true });
  }
}
