/**
 * One limit on the idle sessions of every pool of a process. A pool per
 * database is cheap while a fleet is small; two hundred databases on one
 * server would otherwise keep two hundred idle backends, past PostgreSQL's
 * default `max_connections` (100), and the next connection anywhere on that
 * server (an Organization's row, another application) is refused with
 * "too many clients already". Beyond the limit, the session idle longest is
 * closed; a run then pays one new connection, never a refused one.
 */

/**
 * Sixteen: a sixth of PostgreSQL's default `max_connections`, enough to keep
 * the sessions of the SchemaMigrations a busy operator touches again soon.
 */
export const DEFAULT_MAX_IDLE_SESSIONS = 16;

/** Idle sessions across pools, oldest first; closes the oldest beyond `max`. */
export class IdleBudget {
  /** Insertion order is idle order: the first entry has been idle longest. */
  private readonly idle = new Map<object, () => void>();

  constructor(readonly max: number = DEFAULT_MAX_IDLE_SESSIONS) {}

  /** Idle sessions now. */
  get size(): number {
    return this.idle.size;
  }

  /** `session` went idle; `close` takes it out of its pool and ends it. */
  add(session: object, close: () => void): void {
    this.idle.delete(session);
    this.idle.set(session, close);
    while (this.idle.size > Math.max(0, this.max)) this.closeOldest();
  }

  /** `session` is no longer idle (lent again, timed out, or closed by its pool). */
  remove(session: object): void {
    this.idle.delete(session);
  }

  /**
   * Closes every idle session: the server refused a connection for want of
   * slots, and ours are the ones this process can give back. Returns how
   * many were closed.
   */
  closeAll(): number {
    const n = this.idle.size;
    while (this.idle.size > 0) this.closeOldest();
    return n;
  }

  private closeOldest(): void {
    const [session, close] = this.idle.entries().next().value as [object, () => void];
    this.idle.delete(session);
    close();
  }
}
