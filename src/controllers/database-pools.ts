/**
 * Database handles shared by URL across custom resources, of both kinds.
 * Two thousand Organizations that point at one SchemaMigration must not open
 * two thousand pools, and the SchemaMigration's own runs use the same entry:
 * each CR acquires the handle of its database under its own key (see
 * {@link holderKey}), and the handle, with every pool in it, is closed when
 * the last CR holding it releases it (deleted, or moved to another
 * database). A database is its URL (user and password included) and its TLS
 * material, so two credentials never share a pool. This file needs no
 * driver: only src/engine and the controllers' SQL files import `pg`.
 */
import {
  IdleBudget,
  SessionPools,
  type ConnectionSource,
  type DatabaseAccess,
  type SessionPoolOptions,
} from '../engine/index.js';
import { accessKeyOf } from './database-secret.js';

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

/**
 * One database's pools: the migration sessions (lent to one run at a time,
 * reset before reuse; engine session-pool.ts) and whatever else a controller
 * keeps for it (the Organization controller's row writer), opened on first
 * use and closed together. Their idle sessions are all known to the
 * process's one limit (idle-budget.ts).
 */
export class SharedDatabase implements Closable {
  private readonly parts = new Map<string, Closable>();
  private sessionPools: SessionPools | undefined;

  constructor(private readonly sessionOptions: SessionPoolOptions = {}) {}

  /** The migration sessions of this database (SchemaMigration runs, drift checks, resyncs). */
  get sessions(): ConnectionSource {
    return (this.sessionPools ??= new SessionPools(this.sessionOptions));
  }

  /** The process's limit on idle sessions, for the parts' own pools. */
  get budget(): IdleBudget | undefined {
    return this.sessionOptions.budget;
  }

  /** The part named `name`, opened by `open` on first use. */
  part<T extends Closable>(name: string, open: () => T): T {
    let p = this.parts.get(name);
    if (!p) this.parts.set(name, (p = open()));
    return p as T;
  }

  /** Closes every pool of this database. Never rejects. */
  async end(): Promise<void> {
    const all = [...this.parts.values(), ...(this.sessionPools ? [this.sessionPools] : [])];
    this.parts.clear();
    this.sessionPools = undefined;
    await Promise.all(all.map((p) => p.end().catch(() => undefined)));
  }
}

/** The holder key of a CR: its kind and key, so an Organization and a SchemaMigration never collide. */
export function holderKey(kind: 'SchemaMigration' | 'Organization', key: string): string {
  return `${kind}:${key}`;
}

/** The operator's databases, shared by the SchemaMigration and Organization controllers. */
export type DatabasePools = DatabaseRegistry<SharedDatabase, DatabaseAccess>;

/** A registry of {@link SharedDatabase}s keyed by URL and TLS material. */
export function databasePools(sessionOptions: SessionPoolOptions = {}): DatabasePools {
  // One limit on idle sessions over every database of the process (idle-budget.ts).
  const options = { ...sessionOptions, budget: sessionOptions.budget ?? new IdleBudget() };
  return new DatabaseRegistry<SharedDatabase, DatabaseAccess>({
    open: () => new SharedDatabase(options),
    // A changed CA or client certificate is another connection: a new pool.
    keyOf: accessKeyOf,
  });
}
