/**
 * Durations as written in flags, directives and CRs: `500ms`, `5s`, `30m`,
 * `1h`, `1h30m`. The same grammar as the CRD's pattern.
 */

/** The CRD pattern for a duration. */
export const DURATION_PATTERN = '^([0-9]+(ms|s|m|h))+$';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in `text`, or an Error that says what was expected. */
export function parseDuration(text: string): number {
  if (!new RegExp(DURATION_PATTERN).test(text)) {
    throw new Error(`"${text}" is not a duration (examples: 500ms, 5s, 30m, 1h30m)`);
  }
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)(ms|s|m|h)/g))
    total += Number(n) * UNIT_MS[unit!]!;
  return total;
}

/** A PostgreSQL setting value for `ms` milliseconds. */
export function pgDuration(ms: number): string {
  return `${Math.round(ms)}ms`;
}

/**
 * The longest lock_timeout or statement_timeout a migration may ask for (the
 * CRD's bound too). A timeout of 0 would mean none at all in PostgreSQL.
 */
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

/** Milliseconds in `text`, which must be above 0 and at most 24h; otherwise an Error saying so. */
export function parseTimeout(text: string): number {
  const ms = parseDuration(text);
  if (ms <= 0) throw new Error(`"${text}" must be above 0 (0 would mean no timeout at all)`);
  if (ms > MAX_TIMEOUT_MS) throw new Error(`"${text}" is longer than the maximum of 24h`);
  return ms;
}
