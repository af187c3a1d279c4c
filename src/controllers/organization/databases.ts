/**
 * Database handles shared by URL across custom resources. Two thousand
 * Organizations that point at one SchemaMigration must not open two thousand
 * pools: each CR acquires the handle of its URL under its own key, and the
 * handle is closed when the last CR holding it releases it (deleted, or moved
 * to another database). The handle type is left open (a `pg.Pool`, or an
 * object wrapping one) so this file needs no driver: only src/engine and the
 * controllers' SQL files import `pg`.
 */

/** Anything that can be closed once no one uses it. */
export interface Closable {
  end(): Promise<void>;
}

/** Options of {@link DatabaseRegistry}. */
export interface DatabaseRegistryOptions<P extends Closable, S = string> {
  /** Opens a handle for `spec`; called once per key in use, with no I/O expected before first use. */
  open(spec: S): P;
  /** The identity of a database (default: the spec itself, a URL): specs with one key share a handle. */
  keyOf?(spec: S): string;
}

interface Entry<P> {
  handle: P;
  holders: Set<string>;
}

/**
 * Handles by database URL, reference-counted by holder key (a CR's key).
 * URLs are kept in memory only and never logged or returned.
 */
export class DatabaseRegistry<P extends Closable, S = string> {
  private readonly byUrl = new Map<string, Entry<P>>();
  private readonly urlOf = new Map<string, string>();

  constructor(private readonly opts: DatabaseRegistryOptions<P, S>) {}

  /**
   * The handle of `spec` for `holder`. A holder that held another database
   * lets it go first (and that handle is closed if it was the last holder).
   */
  acquire(holder: string, spec: S): P {
    const url = this.opts.keyOf ? this.opts.keyOf(spec) : String(spec);
    const held = this.urlOf.get(holder);
    if (held !== undefined && held !== url) void this.release(holder);
    let entry = this.byUrl.get(url);
    if (!entry) {
      entry = { handle: this.opts.open(spec), holders: new Set() };
      this.byUrl.set(url, entry);
    }
    entry.holders.add(holder);
    this.urlOf.set(holder, url);
    return entry.handle;
  }

  /** Lets `holder` go; closes the handle when no holder is left. Never rejects. */
  async release(holder: string): Promise<void> {
    const url = this.urlOf.get(holder);
    if (url === undefined) return;
    this.urlOf.delete(holder);
    const entry = this.byUrl.get(url);
    if (!entry) return;
    entry.holders.delete(holder);
    if (entry.holders.size > 0) return;
    this.byUrl.delete(url);
    await entry.handle.end().catch(() => undefined);
  }

  /** Closes every handle (at shutdown). Never rejects. */
  async closeAll(): Promise<void> {
    const entries = [...this.byUrl.values()];
    this.byUrl.clear();
    this.urlOf.clear();
    await Promise.all(entries.map((e) => e.handle.end().catch(() => undefined)));
  }

  /** Open handles (for tests and metrics). */
  get size(): number {
    return this.byUrl.size;
  }
}
