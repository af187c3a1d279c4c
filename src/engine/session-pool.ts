/**
 * A small pool of dedicated sessions for migration runs on one database, as
 * one set of credentials (the operator keeps one per database and
 * credential; the CLI does not pool). Unlike `pg.Pool` a session is lent to
 * one run for the whole run and comes back only through a reset: ROLLBACK
 * when a transaction is open, `DISCARD ALL` (role, settings, temporary
 * tables, prepared statements, advisory locks, listeners: all gone, the
 * session authorization back to the connection's user) and the engine's
 * SESSION_SETUP again. A session whose reset fails, that was lost, or that
 * its run did not end cleanly, is closed instead. Idle sessions close after
 * `idleTimeoutMs`, so a quiet database keeps no backend.
 */
import type pg from 'pg';
import { abortedError, checkAborted } from './abort.js';
import { connect, SESSION_SETUP, type ConnectOptions } from './connection.js';
import type { ConnectionSource, ReleaseOptions } from './connection-source.js';
import type { IdleBudget } from './idle-budget.js';

/** Options of {@link SessionPool}. */
export interface SessionPoolOptions {
  /**
   * Sessions open at once, at most (default {@link DEFAULT_POOL_SIZE}); a
   * run beyond it waits for one to come back.
   */
  max?: number;
  /** An idle session is closed after this long (default {@link DEFAULT_IDLE_TIMEOUT_MS}). */
  idleTimeoutMs?: number;
  /**
   * The process's limit on idle sessions over every pool (idle-budget.ts):
   * beyond it the session idle longest closes, and a connection refused for
   * want of server slots (SQLSTATE 53300) is tried once more after every
   * idle session of the budget is closed. Absent: no limit but `max`.
   */
  budget?: IdleBudget;
  /**
   * False: this pool's idle sessions are not limited by the budget (its own
   * idle timeout bounds them), but are given back with the rest when the
   * server is out of slots. Default true.
   */
  countedInBudget?: boolean;
  /** Opens a session (default `connect`); replaceable in tests. */
  connect?: (opts: ConnectOptions) => Promise<pg.Client>;
  /** The clock, in ms (default `Date.now`); replaceable in tests. */
  now?: () => number;
}

/**
 * Two: one start-up is one SchemaMigration (the operator's application name
 * names it), whose runs the migration lock serializes anyway, plus a drift
 * check or a resync query beside a run. More would only hold idle backends.
 */
export const DEFAULT_POOL_SIZE = 2;
/**
 * Fifteen minutes: longer than the default drift interval and the
 * informers' re-list (10 min each), so the periodic look at a Ready CR
 * finds its session still open instead of paying a new connection; a
 * database nobody looks at for longer keeps no backend.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;

/**
 * What a session's start-up fixes, so sessions that differ in it are never
 * shared: the URL (user and password included), the TLS material, the
 * application name and the statement timeout (both in the start-up packet).
 * Kept in memory only; never log it.
 */
export function sessionKey(opts: ConnectOptions): string {
  return JSON.stringify([
    opts.url,
    opts.tls ?? {},
    opts.applicationName ?? '',
    opts.statementTimeoutMs ?? 0,
  ]);
}

interface Idle {
  client: pg.Client;
  timer: NodeJS.Timeout;
  since: number;
}

/**
 * A session idle longer than this may have gone half-open unnoticed (a NAT
 * or a failover drops it silently; TCP keepalive takes minutes to tell): it
 * answers a bounded `SELECT 1` before it is lent, unless the borrower's own
 * first query is bounded as tightly (the resync's stamp read).
 */
const CHECK_AFTER_IDLE_MS = 60_000;
/** How long that check may take. */
const CHECK_TIMEOUT_MS = 5_000;

type Waiter = (turn: { client?: pg.Client }) => void;

/** Lends sessions of one database and credential, one run per session at a time. */
export class SessionPool implements ConnectionSource {
  /** A session given back is reset behind its run; the next borrower waits for it. */
  readonly releasesBehind = true;
  private readonly idle: Idle[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly lost = new WeakSet<pg.Client>();
  private open = 0;
  /** Sessions given back and being reset: the next borrower waits for one rather than connect. */
  private resetting = 0;
  private closed = false;
  private key: string | undefined;
  private readonly max: number;
  private readonly idleTimeoutMs: number;
  private readonly connect: (opts: ConnectOptions) => Promise<pg.Client>;
  private readonly now: () => number;
  private readonly budget: IdleBudget | undefined;
  private readonly counted: boolean;

  constructor(opts: SessionPoolOptions = {}) {
    this.budget = opts.budget;
    this.counted = opts.countedInBudget ?? true;
    this.max = Math.max(1, opts.max ?? DEFAULT_POOL_SIZE);
    this.idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.connect = opts.connect ?? connect;
    this.now = opts.now ?? Date.now;
  }

  /** Sessions open now, lent or idle (for tests and metrics). */
  get size(): number {
    return this.open;
  }

  /** Idle sessions now (for tests). */
  get idleCount(): number {
    return this.idle.length;
  }

  /**
   * A session for one run: an idle one, a new one while fewer than `max` are
   * open, or the next one given back. Refuses options whose start-up differs
   * from the sessions it holds (see {@link sessionKey}).
   */
  async acquire(opts: ConnectOptions): Promise<pg.Client> {
    checkAborted(opts.signal);
    if (this.closed) throw new Error('the session pool is closed');
    const key = sessionKey(opts);
    if ((this.key ??= key) !== key) throw new Error('a session pool serves one start-up only');
    for (;;) {
      const reused = this.takeIdle();
      if (reused && (await this.answers(reused, opts))) return this.lend(reused.client, opts);
      if (reused) continue;
      // A session on its way back costs one round trip more; a new one, a connection and SCRAM.
      if (this.open < this.max && this.resetting === 0)
        return this.lend(await this.openOne(opts), opts);
      const turn = await this.waitForTurn(opts.signal);
      if (turn.client) return this.lend(turn.client, opts);
    }
  }

  /**
   * Takes `c` back: reset (unless untouched and outside a transaction) and
   * kept when reusable, otherwise closed. Never rejects.
   */
  async release(c: pg.Client, o: ReleaseOptions): Promise<void> {
    const fresh = o.untouched && idleOutsideTransaction(c);
    if (!o.reusable || this.closed || this.lost.has(c)) return this.destroy(c);
    if (!fresh) {
      this.resetting++;
      const ok = await reset(c);
      this.resetting--;
      if (!ok || this.closed || this.lost.has(c)) return this.destroy(c);
    }
    const next = this.waiters.shift();
    if (next) next({ client: c });
    else this.keepIdle(c);
  }

  /** Closes idle sessions now and lent ones as they come back. Never rejects. */
  async end(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    for (const i of idle) this.budget?.remove(i.client);
    for (const w of this.waiters.splice(0)) w({});
    await Promise.all(idle.map((i) => (clearTimeout(i.timer), this.destroy(i.client))));
  }

  /** True when `i` may be lent as it is; a session that does not answer is closed. */
  private async answers(i: Idle, opts: ConnectOptions): Promise<boolean> {
    if (this.now() - i.since <= CHECK_AFTER_IDLE_MS) return true;
    if (opts.queryTimeoutMs !== undefined && opts.queryTimeoutMs <= CHECK_TIMEOUT_MS) return true;
    try {
      await i.client.query({ text: 'SELECT 1', query_timeout: CHECK_TIMEOUT_MS } as pg.QueryConfig);
      return true;
    } catch {
      await this.destroy(i.client);
      return false;
    }
  }

  private takeIdle(): Idle | undefined {
    // Last in, first out: the sessions beyond what the load needs go idle and time out.
    for (let i = this.idle.pop(); i; i = this.idle.pop()) {
      clearTimeout(i.timer);
      this.budget?.remove(i.client);
      // A session the server ended while idle is closed, not lent.
      if (!this.lost.has(i.client)) return i;
      void this.destroy(i.client);
    }
    return undefined;
  }

  private async openOne(opts: ConnectOptions): Promise<pg.Client> {
    this.open++;
    try {
      const c = await this.connect({ ...opts, signal: opts.signal }).catch(async (err: unknown) => {
        // The server is out of slots: give back what this process holds idle, and try once more.
        if (!outOfSlots(err) || !this.budget || this.budget.closeAll() === 0) throw err;
        return this.connect({ ...opts, signal: opts.signal });
      });
      // A session the server ends while idle is never lent again.
      c.on('end', () => this.lost.add(c));
      c.on('error', () => this.lost.add(c));
      return c;
    } catch (err) {
      this.freeSlot();
      throw err;
    }
  }

  /** The run's own client-side query timeout; the start-up packet's settings are the pool's. */
  private lend(c: pg.Client, opts: ConnectOptions): pg.Client {
    (
      c as unknown as { connectionParameters: { query_timeout?: number } }
    ).connectionParameters.query_timeout = opts.queryTimeoutMs;
    return c;
  }

  private keepIdle(c: pg.Client): void {
    const timer = setTimeout(() => this.closeIdle(c), this.idleTimeoutMs);
    timer.unref();
    this.idle.push({ client: c, timer, since: this.now() });
    this.budget?.add(c, () => this.closeIdle(c), { counted: this.counted });
  }

  /** Closes the idle session `c` (timed out, or past the process's budget). */
  private closeIdle(c: pg.Client): void {
    this.budget?.remove(c);
    const at = this.idle.findIndex((i) => i.client === c);
    if (at < 0) return;
    clearTimeout(this.idle[at]!.timer);
    this.idle.splice(at, 1);
    void this.destroy(c);
  }

  private waitForTurn(signal: AbortSignal | undefined): Promise<{ client?: pg.Client }> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(abortedError(signal!));
      };
      const waiter: Waiter = (turn) => {
        signal?.removeEventListener('abort', onAbort);
        if (this.closed && !turn.client) reject(new Error('the session pool is closed'));
        else resolve(turn);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private async destroy(c: pg.Client): Promise<void> {
    this.freeSlot();
    await c.end().catch(() => undefined);
  }

  /** One session fewer: a waiting run may open its own. */
  private freeSlot(): void {
    this.open--;
    this.waiters.shift()?.({});
  }
}

/** "sorry, too many clients already" (53300), as the server or the ConnectionError around it says. */
function outOfSlots(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '53300') return true;
  }
  return false;
}

/** No transaction open (ReadyForQuery said idle): a session given back untouched needs no reset. */
function idleOutsideTransaction(c: pg.Client): boolean {
  return (c as unknown as { _txStatus?: string | null })._txStatus === 'I';
}

/**
 * Back to a fresh session: out of any transaction, then DISCARD ALL (which
 * runs only outside one), then the engine's own settings. False when any
 * step failed: the session is then closed, never lent.
 */
async function reset(c: pg.Client): Promise<boolean> {
  try {
    const tx = (c as unknown as { _txStatus?: string | null })._txStatus;
    if (tx && tx !== 'I') await c.query('ROLLBACK');
    await c.query('DISCARD ALL');
    await c.query(SESSION_SETUP);
    return true;
  } catch {
    return false;
  }
}

/**
 * Session pools of one database, one per start-up (see {@link sessionKey}):
 * two SchemaMigrations with different statement timeouts on one database
 * never share a session. Lends like one pool.
 */
export class SessionPools implements ConnectionSource {
  /** As each pool's (SessionPool.releasesBehind). */
  readonly releasesBehind = true;
  private readonly pools = new Map<string, SessionPool>();
  private readonly lentBy = new WeakMap<pg.Client, SessionPool>();

  constructor(private readonly opts: SessionPoolOptions = {}) {}

  /** Sessions open now, over every start-up. */
  get size(): number {
    let n = 0;
    for (const p of this.pools.values()) n += p.size;
    return n;
  }

  /** A session of the pool of `opts`' start-up (made on first use). */
  async acquire(opts: ConnectOptions): Promise<pg.Client> {
    const key = sessionKey(opts);
    let pool = this.pools.get(key);
    if (!pool) this.pools.set(key, (pool = new SessionPool(this.opts)));
    const c = await pool.acquire(opts);
    this.lentBy.set(c, pool);
    return c;
  }

  /** Gives `c` back to the pool it came from. Never rejects. */
  async release(c: pg.Client, o: ReleaseOptions): Promise<void> {
    const pool = this.lentBy.get(c);
    this.lentBy.delete(c);
    if (pool) await pool.release(c, o);
    else await c.end().catch(() => undefined);
  }

  /** Closes every pool (see SessionPool.end). Never rejects. */
  async end(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.end()));
  }
}
