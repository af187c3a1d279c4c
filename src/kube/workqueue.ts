/**
 * A work queue of object keys with client-go's guarantees: a key is queued
 * at most once however often it is added; a key handed to a worker is not
 * handed to another until `done`; a key added while being processed is
 * queued again when `done` is called. Delayed and rate-limited adds go
 * through the injected clock.
 */
import type { OperatorMetrics } from '../observability/metrics.js';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { defaultRateLimiter, type RateLimiter } from './rate-limiter.js';

/** Options for `WorkQueue`. */
export interface WorkQueueOptions {
  /** Name for metrics (usually the controller's). */
  name: string;
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: OperatorMetrics;
}

/** A deduplicating, rate-limited queue of keys. */
export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter;
  private readonly metrics: OperatorMetrics | undefined;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  /** Keys being processed, with the time each was handed out. */
  private readonly processing = new Map<string, number>();
  /** Keys waiting for a delayed add, with their due time. */
  private readonly waiting = new Map<string, { at: number; timer: TimerHandle }>();
  private readonly addedAt = new Map<string, number>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly idle: Array<() => void> = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions) {
    this.name = opts.name;
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultRateLimiter(this.clock);
    this.metrics = opts.metrics;
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
    const getter = this.getters.shift();
    if (getter) return this.handOut(key, getter);
    this.queue.push(key);
    this.metrics?.queueDepth.set(this.labels, this.queue.length);
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
    const key = this.queue.shift();
    if (key !== undefined) {
      this.metrics?.queueDepth.set(this.labels, this.queue.length);
      return new Promise((resolve) => this.handOut(key, resolve));
    }
    return new Promise((resolve) => this.getters.push(resolve));
  }

  private handOut(key: string, to: (key: string) => void): void {
    const now = this.clock.now();
    this.dirty.delete(key);
    this.processing.set(key, now);
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
    this.metrics?.workDuration.observe(this.labels, (this.clock.now() - since) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) {
      const getter = this.getters.shift();
      if (getter) this.handOut(key, getter);
      else {
        this.queue.push(key);
        this.metrics?.queueDepth.set(this.labels, this.queue.length);
      }
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
