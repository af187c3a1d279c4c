/**
 * An informer that does not stop for good: list, then watch from the list's
 * resourceVersion; a watch that ends is resumed from the last version seen;
 * 410 Gone re-lists and tells handlers the difference; other errors retry
 * with backoff; a periodic re-list (resync) catches anything missed; a
 * watchdog restarts a watch that has been silent (no event, no bookmark)
 * for too long, since a half-open TCP connection looks exactly like a quiet
 * cluster.
 */
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { Indexer, type CacheDiff, type IndexFunc } from './cache.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { GoneError } from './errors.js';
import type { KubeObject, ListOptions, ResourceClient } from './resource-client.js';
import type { InformerMetrics } from './metrics.js';

/** Callbacks; errors they throw are logged and do not affect the informer. */
export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(old: T, obj: T): void;
  delete?(obj: T): void;
}

/** Options for `Informer`. */
export interface InformerOptions<T extends KubeObject> extends ListOptions {
  client: Pick<ResourceClient<T>, 'list' | 'watch' | 'ref'>;
  /** Full re-list interval; default 10 minutes; 0 disables it. */
  resyncMs?: number;
  /** Restart a watch after this long without any event or bookmark; default {@link defaultWatchdogMs}. */
  watchdogMs?: number;
  /** Server-side watch timeout; default a random 5-10 minutes, as client-go does, to spread reconnects. */
  watchTimeoutSeconds?: number;
  /** Backoff after errors: base doubling to max; default 800 ms to 30 s (client-go's reflector). */
  backoff?: { baseMs: number; maxMs: number };
  indexers?: Record<string, IndexFunc<T>>;
  /**
   * Applied to every object before it is cached or handed to handlers, as
   * client-go's SetTransform: drop what the handlers never read, so the
   * cache stays small.
   */
  transform?: (obj: T) => T;
  clock?: Clock;
  logger?: Logger;
  metrics?: InformerMetrics;
}

type StopReason = 'watchdog' | 'resync' | 'stop';

/** The environment variable that overrides the watchdog interval (milliseconds). */
export const WATCHDOG_ENV = 'SCHEMA_OPERATOR_INFORMER_WATCHDOG_MS';
const DEFAULT_WATCHDOG_MS = 180_000;

/**
 * The watchdog interval of informers not given one: `WATCHDOG_ENV` when it
 * is a positive whole number, else 3 minutes (bookmarks come about every
 * minute). The variable exists for networks that cut idle connections
 * sooner, and for the fault suite, which must see the watchdog fire within
 * seconds; anything else in it is ignored.
 */
export function defaultWatchdogMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[WATCHDOG_ENV];
  return text && /^[1-9]\d*$/.test(text) ? Number(text) : DEFAULT_WATCHDOG_MS;
}

/** A self-healing list+watch with a cache. Nothing happens until `start`. */
export class Informer<T extends KubeObject> {
  /** The cache; read it, never write it. */
  readonly cache: Indexer<T>;
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly resource: string;
  private readonly watchdogMs: number;
  private resourceVersion = '';
  private synced = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private watchAbort: AbortController | undefined;
  private stopReason: StopReason | undefined;
  private watchdog: TimerHandle | undefined;
  private resyncTimer: TimerHandle | undefined;
  private needList = true;
  private readonly stopSignal = new AbortController();
  private syncWaiters: Array<() => void> = [];

  constructor(private readonly opts: InformerOptions<T>) {
    this.cache = new Indexer<T>(opts.indexers);
    this.clock = opts.clock ?? realClock;
    this.resource = opts.client.ref.plural;
    this.watchdogMs = opts.watchdogMs ?? defaultWatchdogMs();
    this.log = (opts.logger ?? silentLogger).child({ informer: this.resource });
  }

  /** Registers handlers; objects already cached are replayed as adds. */
  on(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
    if (handlers.add) for (const obj of this.cache.list()) this.call(() => handlers.add!(obj));
  }

  /** True once the first list has filled the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Resolves once synced (or at once after stop). */
  waitForSync(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Starts listing and watching in the background. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = this.run();
  }

  /** Closes the watch, cancels timers and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    this.abortWatch('stop');
    this.resyncTimer?.cancel();
    for (const wake of this.syncWaiters.splice(0)) wake();
    await this.running;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    this.scheduleResync();
    while (!this.stopped) {
      try {
        if (this.needList) await this.relist();
        const started = this.clock.now();
        const events = await this.watchOnce();
        // A watch the server ends at once, again and again, must not spin.
        attempt = events === 0 && this.clock.now() - started < 1000 ? attempt + 1 : 0;
        if (attempt > 0) await this.clock.sleep(this.backoff(attempt - 1), this.stopSignal.signal);
      } catch (err) {
        if (this.stopped) break;
        const reason = this.takeStopReason();
        if (reason === 'watchdog') continue;
        if (reason === 'resync') {
          this.opts.metrics?.informerRelists.inc({ resource: this.resource, cause: 'resync' });
          this.needList = true;
          continue;
        }
        if (err instanceof GoneError) {
          this.log.info('watch version expired; re-listing', {
            resourceVersion: this.resourceVersion,
          });
          this.opts.metrics?.informerRelists.inc({ resource: this.resource, cause: 'gone' });
          this.needList = true;
          continue;
        }
        const delay = this.backoff(attempt++);
        this.log.warn('list/watch failed; retrying', { error: err, delayMs: delay });
        await this.clock.sleep(delay, this.stopSignal.signal);
      }
    }
    this.watchdog?.cancel();
  }

  private backoff(attempt: number): number {
    const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 800, maxMs: 30_000 };
    return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.opts.client.list(this.selectors());
    this.resourceVersion = resourceVersion;
    this.needList = false;
    const transform = this.opts.transform;
    this.emit(this.cache.replace(transform ? items.map(transform) : items));
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private selectors(): ListOptions {
    const { namespace, labelSelector, fieldSelector } = this.opts;
    return { namespace, labelSelector, fieldSelector };
  }

  /** One watch; resolves with the number of events when the server ends it. */
  private async watchOnce(): Promise<number> {
    const abort = new AbortController();
    this.watchAbort = abort;
    let events = 0;
    this.armWatchdog();
    try {
      await this.opts.client.watch(
        {
          ...this.selectors(),
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
          signal: abort.signal,
        },
        (event) => {
          if (abort.signal.aborted) return;
          events++;
          this.armWatchdog();
          const rv = event.object.metadata.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (event.type === 'BOOKMARK') return;
          const obj = this.opts.transform ? this.opts.transform(event.object) : event.object;
          if (event.type === 'ADDED' || event.type === 'MODIFIED') {
            const old = this.cache.upsert(obj);
            this.emit(
              old
                ? { added: [], updated: [{ old, obj }], deleted: [] }
                : { added: [obj], updated: [], deleted: [] },
            );
          } else if (event.type === 'DELETED') {
            const old = this.cache.remove(obj);
            this.emit({ added: [], updated: [], deleted: [old ?? obj] });
          }
        },
      );
    } finally {
      this.watchdog?.cancel();
      this.watchAbort = undefined;
    }
    // An abort (watchdog, resync, stop) ends the stream quietly: report it as an error path.
    if (abort.signal.aborted) throw new Error(`watch closed: ${this.stopReason ?? 'aborted'}`);
    return events;
  }

  private armWatchdog(): void {
    this.watchdog?.cancel();
    const ms = this.watchdogMs;
    this.watchdog = this.clock.setTimer(() => {
      this.log.warn('no watch event or bookmark in time; restarting the watch', { silentMs: ms });
      this.opts.metrics?.watchdogRestarts.inc({ resource: this.resource });
      this.abortWatch('watchdog');
    }, ms);
  }

  private scheduleResync(): void {
    const ms = this.opts.resyncMs ?? 600_000;
    if (ms <= 0 || this.stopped) return;
    this.resyncTimer = this.clock.setTimer(() => {
      if (this.watchAbort) this.abortWatch('resync');
      else this.needList = true;
      this.scheduleResync();
    }, ms);
  }

  private abortWatch(reason: StopReason): void {
    if (!this.watchAbort) return;
    this.stopReason = reason;
    this.watchAbort.abort();
  }

  private takeStopReason(): StopReason | undefined {
    const r = this.stopReason;
    this.stopReason = undefined;
    return r;
  }

  private emit(diff: CacheDiff<T>): void {
    for (const h of this.handlers) {
      for (const obj of diff.added) if (h.add) this.call(() => h.add!(obj));
      for (const { old, obj } of diff.updated) if (h.update) this.call(() => h.update!(old, obj));
      for (const obj of diff.deleted) if (h.delete) this.call(() => h.delete!(obj));
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('informer handler threw', { error: err });
    }
  }
}
