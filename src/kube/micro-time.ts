/**
 * `metav1.MicroTime` as the API server expects it: RFC 3339 in UTC with
 * exactly six fractional digits ("2025-01-02T03:04:05.123456Z"). Leases and
 * events.k8s.io Events reject or truncate other forms.
 */

/** Formats epoch milliseconds (fractions kept down to the microsecond). */
export function formatMicroTime(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000 + 1e-6);
  const iso = new Date(whole).toISOString(); // ...T03:04:05.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Parses a MicroTime (or any RFC 3339 time) to epoch milliseconds, keeping microseconds. */
export function parseMicroTime(text: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) throw new RangeError(`not an RFC 3339 time: ${text}`);
  const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(`${m[1]}${m[3]}`) + Number(fraction) / 1000;
}
