/**
 * Migration versions: digits with optional dots, compared as numeric tuples,
 * so `1.10` comes after `1.9` and `001` equals `1`.
 */

const VERSION = /^\d+(\.\d+)*$/;

/** True when `s` is a well-formed version. */
export function isVersion(s: string): boolean {
  return VERSION.test(s);
}

function parts(v: string): bigint[] {
  const p = v.split('.').map((x) => BigInt(x));
  // Trailing zero parts do not make a different version: 1.0 is 1.
  while (p.length > 1 && p[p.length - 1] === 0n) p.pop();
  return p;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0n) - (y[i] ?? 0n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}

/** A canonical key: equal versions (`001`, `1`, `1.0`) share it. */
export function versionKey(v: string): string {
  return parts(v).join('.');
}
