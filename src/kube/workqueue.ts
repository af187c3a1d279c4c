/**
 * A work queue of object keys with client-go's guarantees: a key is queued
 * at most once however often it is added; a key handed to a worker is not
 * handed to another until `done`; a key added while being processed is
 * queued again when `done` is called. Delayed and rate-limited adds go
 * through the injected clock.
 *
 * Fairness: with `groupOf` and `maxPerGroup`, no group (for SchemaMigrations
 * the namespace, so a tenant) has more than `maxPerGroup` keys handed out at
 * once; its further keys wait in the queue while other groups' keys, queued
 * later, go first. Without them the queue is plain FIFO.
 */
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { defaultRateLimiter, type RateLimiter } from './rate-limiter.js';
import type { QueueMetrics } from './metrics.js';

/** Options for `WorkQueue`. */
export interface WorkQueueOptions {
  /** Name for metrics (usually the controller's). */
  name: string;
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: QueueMetrics;
  /** The group a key belongs to (e.g. its namespace), for `maxPerGroup`. */
  groupOf?: (key: string) => string;
  /** Keys of one group handed out at once, at most (default: no limit). */
  maxPerGroup?: number;
}

/** The namespace of a `namespace/name` key (the empty string for a cluster-scoped key). */
export function namespaceOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

/** A deduplicating, rate-limited queue of keys. */
export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly metrics: QueueMetrics | undefined;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  /** Keys being processed, with the time each was handed out. */
  private readonly processing = new Map<string, number>();
  /** Keys waiting for a delayed add, with their due time. */
  private readonly waiting = new Map<string, { at: number; timer: TimerHandle }>();
  private readonly addedAt = new Map<string, number>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly idle: Array<() => void> = [];
  private readonly groupOf: ((key: string) => string) | undefined;
  private readonly maxPerGroup: number;
  /** Keys handed out and not yet done, by group. */
  private readonly running = new Map<string, number>();
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultRateLimiter(this.clock);
    this.metrics = opts.metrics;
    this.groupOf = opts.groupOf;
    this.maxPerGroup = Math.max(1, opts.maxPerGroup ?? Infinity);
    this.metrics?.registerQueue(this.name, {
      unfinishedWorkSeconds: () => {
        const now = this.clock.now();
        let sum = 0;
        for (const since of this.processing.values()) sum += now - since;
        return sum / 1000;
      },
      longestRunningSeconds: () => {
        const now = this.clock.now();
        let max = 0;
        for (const since of this.processing.values()) max = Math.max(max, now - since);
        return max / 1000;
      },
    });
  }

  private get labels() {
    return { name: this.name, controller: this.name };
  }

  /** Keys queued and not yet handed out. */
  get length(): number {
    return this.queue.length;
  }

  /** True after `shutDown`. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Queues `key` unless it is already queued; ignored after shutdown. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics?.queueAdds.inc(this.labels);
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.dispatch();
  }

  /** Queues `key` after `ms`; of several pending delays for a key the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Queues `key` after the rate limiter's delay for it (a retry). */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.queueRetries.inc(this.labels);
    this.addAfter(key, this.limiter.when(key));
  }

  /** Clears `key`'s retry history (call after it succeeded or was given up). */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  /** How often `key` has been retried since it was last forgotten. */
  retries(key: string): number {
    return this.limiter.retries(key);
  }

  /** The next key, waiting for one; undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.getters.push(resolve);
      this.dispatch();
    });
  }

  /** Keys of `key`'s group handed out and not yet done. */
  runningInGroup(key: string): number {
    return this.groupOf ? (this.running.get(this.groupOf(key)) ?? 0) : 0;
  }

  /** Hands queued keys to waiting getters, oldest first, skipping groups at their limit. */
  private dispatch(): void {
    while (this.getters.length > 0) {
      const i = this.queue.findIndex((k) => this.runningInGroup(k) < this.maxPerGroup);
      if (i < 0) break;
      const [key] = this.queue.splice(i, 1);
      this.handOut(key!, this.getters.shift()!);
    }
    this.metrics?.queueDepth.set(this.labels, this.queue.length);
  }

  private handOut(key: string, to: (key: string) => void): void {
    const now = this.clock.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
    if (this.groupOf) {
      const g = this.groupOf(key);
      this.running.set(g, (this.running.get(g) ?? 0) + 1);
    }
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.queueLatency.observe(this.labels, (now - added) / 1000);
    to(key);
  }

  /** Marks `key` processed; re-queues it if it was added meanwhile. */
  done(key: string): void {
    const since = this.processing.get(key);
    if (since === undefined) return;
    this.processing.delete(key);
    if (this.groupOf) {
      const g = this.groupOf(key);
      const n = (this.running.get(g) ?? 1) - 1;
      if (n > 0) this.running.set(g, n);
      else this.running.delete(g);
    }
    this.metrics?.workDuration.observe(this.labels, (this.clock.now() - since) / 1000);
    if (!this.shuttingDown) {
      if (this.dirty.has(key)) this.queue.push(key);
      this.dispatch();
    }
    if (this.processing.size === 0) for (const wake of this.idle.splice(0)) wake();
  }

  /**
   * Stops the queue: adds are ignored, waiting `get`s return undefined,
   * queued and delayed keys are dropped. Resolves when every key already
   * handed out is `done` (the drain), so in-flight work can finish.
   */
  shutDown(): Promise<void> {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.metrics?.queueDepth.set(this.labels, 0);
    for (const getter of this.getters.splice(0)) getter(undefined);
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
