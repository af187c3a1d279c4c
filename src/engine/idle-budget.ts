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

/**
 * Idle sessions across pools, oldest first; closes the oldest counted one
 * beyond `max`. A session added uncounted (a pool with an idle timeout of its
 * own, whose sessions are many and short-lived: the Organization writers')
 * is not limited, but is given back with every other one when the server
 * runs out of slots (`closeAll`).
 */
export class IdleBudget {
  /** Insertion order is idle order: the first entry has been idle longest. */
  private readonly idle = new Map<object, { close: () => void; counted: boolean }>();
  private counted = 0;

  constructor(readonly max: number = DEFAULT_MAX_IDLE_SESSIONS) {}

  /** Counted idle sessions now. */
  get size(): number {
    return this.counted;
  }

  /** Every idle session now, counted or not. */
  get held(): number {
    return this.idle.size;
  }

  /** `session` went idle; `close` takes it out of its pool and ends it. */
  add(session: object, close: () => void, o: { counted?: boolean } = {}): void {
    this.remove(session);
    const counted = o.counted ?? true;
    this.idle.set(session, { close, counted });
    if (!counted) return;
    this.counted++;
    while (this.counted > Math.max(0, this.max)) this.closeOldestCounted();
  }

  /** `session` is no longer idle (lent again, timed out, or closed by its pool). */
  remove(session: object): void {
    const e = this.idle.get(session);
    if (!e) return;
    this.idle.delete(session);
    if (e.counted) this.counted--;
  }

  /**
   * Closes every idle session, counted or not: the server refused a
   * connection for want of slots, and ours are the ones this process can
   * give back. Returns how many were closed.
   */
  closeAll(): number {
    const all = [...this.idle.values()];
    this.idle.clear();
    this.counted = 0;
    for (const e of all) e.close();
    return all.length;
  }

  private closeOldestCounted(): void {
    for (const [session, e] of this.idle) {
      if (!e.counted) continue;
      this.remove(session);
      e.close();
      return;
    }
  }
}
