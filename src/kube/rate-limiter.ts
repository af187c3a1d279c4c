/**
 * How long to wait before retrying a key, as in client-go's workqueue: a
 * per-key exponential backoff (5 ms doubling to 1000 s) and a global token
 * bucket (10 qps, burst 100) combined by taking the larger delay, so one
 * failing key backs off alone while a storm of failures is throttled overall.
 */
import type { Clock } from './clock.js';
import { realClock } from './clock.js';

/** Decides retry delays per key. */
export interface RateLimiter {
  /** The delay in ms before `key` is retried; counts a failure. */
  when(key: string): number;
  /** Forgets `key`'s failures (after a success). */
  forget(key: string): void;
  /** How many times `key` has been retried since it was last forgotten. */
  retries(key: string): number;
}

/** Per-key `base * 2^failures`, capped. */
export class ExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(opts: { baseMs?: number; maxMs?: number } = {}) {
    this.baseMs = opts.baseMs ?? 5;
    this.maxMs = opts.maxMs ?? 1_000_000;
  }

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows long before n gets large; the cap applies anyway.
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 62));
  }
  forget(key: string): void {
    this.failures.delete(key);
  }
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** A token bucket shared by all keys: `qps` tokens per second, at most `burst` saved. */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly clock: Clock;

  constructor(opts: { qps?: number; burst?: number; clock?: Clock } = {}) {
    this.qps = opts.qps ?? 10;
    this.burst = opts.burst ?? 100;
    this.clock = opts.clock ?? realClock;
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  /** Reserves a token: 0 while the bucket has tokens, else the wait until one is due. */
  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }
  forget(): void {}
  retries(): number {
    return 0;
  }
}

/** The largest delay of several limiters; forget/retries go to all. */
export class MaxOfRateLimiter implements RateLimiter {
  constructor(private readonly limiters: RateLimiter[]) {}
  when(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }
  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }
  retries(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.retries(key)));
  }
}

/** controller-runtime's default: max(per-key 5 ms..1000 s, global 10 qps burst 100). */
export function defaultRateLimiter(clock: Clock = realClock): RateLimiter {
  return new MaxOfRateLimiter([
    new ExponentialFailureRateLimiter({ baseMs: 5, maxMs: 1_000_000 }),
    new BucketRateLimiter({ qps: 10, burst: 100, clock }),
  ]);
}
