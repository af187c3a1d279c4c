/**
 * Deep equality of the fields an OrganizationClass owns in an object, with
 * quantities compared by value (quantity.ts): what decides whether an object
 * someone else edited must be put back.
 */
import { sameQuantity } from './quantity.js';

/** True when `a` and `b` hold the same values; strings that are quantities compare by value. */
export function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameContent(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!sameContent(a[k], b[k])) return false;
    return true;
  }
  return sameQuantity(a, b);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
