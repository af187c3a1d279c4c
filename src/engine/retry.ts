/**
 * Which errors are worth retrying, and how long to wait: capped exponential
 * backoff with full jitter. The sleep and the random source are injectable so
 * tests run without waiting.
 */

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** The real clock. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Backoff settings. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

/** The delay before retry number `attempt` (0-based): uniform in [d/2, d], d = min(cap, base * 2^attempt). */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const d = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return d / 2 + (opts.random ?? Math.random)() * (d / 2);
}

/**
 * SQLSTATEs that succeed when tried again on the same or a new connection:
 * lock_not_available, deadlock_detected, serialization_failure, the
 * connection exceptions (class 08) and the shutdown/crash class 57P0x.
 * Syntax, constraint and undefined-object errors (42xxx, 23xxx, ...) are not.
 */
export function isTransientSqlState(code: string | undefined | null): boolean {
  if (!code) return false;
  return (
    code === '55P03' ||
    code === '40P01' ||
    code === '40001' ||
    code.startsWith('08') ||
    /^57P0[1-3]$/.test(code)
  );
}
