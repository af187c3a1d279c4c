/**
 * Statistics and output of the benchmarks: medians (robust on a shared,
 * noisy machine) and Markdown tables, so what the runner prints can be
 * pasted into docs/benchmarks.md as is.
 */

/** The median; for an even count the mean of the middle two. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The `q` quantile (0..1), nearest rank. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Milliseconds as seconds with 3 decimals. */
export const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Milliseconds, rounded. */
export const millis = (ms: number): string => `${Math.round(ms)}`;

/** A ratio as `1.23x`. */
export const ratio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a');

/** The column titles of {@link latency}'s cells. */
export const LATENCY_HEADER = ['median ms', 'p95 ms', 'min ms', 'max ms'];

/** Latencies in ms summed up: median, p95, and their cells (with min and max) for a table row. */
export function latency(times: number[]) {
  const p50 = median(times);
  const p95 = quantile(times, 0.95);
  return {
    p50,
    p95,
    cells: [millis(p50), millis(p95), millis(Math.min(...times)), millis(Math.max(...times))],
    /** Both the median and p95 at most `goalMs`. */
    within: (goalMs: number) => p50 <= goalMs && p95 <= goalMs,
  };
}

/** A Markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const numeric = header.map((_, i) =>
    rows.every((r) => /^[-+]?[\d.]+(x|%| ms| s)?$|^n\/a$/.test(r[i] ?? '')),
  );
  const cell = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (numeric[i] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
