/** Aligned text tables and ages, as `kubectl get` prints them. */
import { alignRows } from '../align.js';

/** Columns padded to their widest cell, separated by three spaces; no trailing spaces. */
export function formatTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  return alignRows([header, ...rows], { gap: '   ' }).join('\n');
}

/** kubectl's short age: `45s`, `12m`, `5h`, `3d`, `2y` (the largest whole unit). */
export function age(since: string | undefined, now: Date): string {
  if (!since) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000));
  if (Number.isNaN(s)) return '<unknown>';
  if (s < 120) return `${s}s`;
  if (s < 120 * 60) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  if (s < 365 * 86400) return `${Math.floor(s / 86400)}d`;
  return `${Math.floor(s / (365 * 86400))}y`;
}
