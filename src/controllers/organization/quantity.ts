/**
 * Equality of Kubernetes resource quantities, enough to tell whether a
 * ResourceQuota or LimitRange still says what its class says: the API server
 * rewrites quantities in canonical form (`1024Mi` comes back as `1Gi`,
 * `1000m` as `1`), so comparing text would rewrite such objects on every
 * reconcile, forever.
 */

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

/** The value of quantity `q` (`"1Gi"`, `"500m"`, `2`), or undefined when it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[2] ?? '']!;
}

/** True when `a` and `b` are the same quantity however written; false when either is not a quantity. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  if (x === undefined || y === undefined) return false;
  return x === y || Math.abs(x - y) <= Math.abs(x) * 1e-12;
}
