/**
 * The pod-template-hash: names a Deployment's ReplicaSet after its pod
 * template (`<deployment>-<hash>`) and labels the ReplicaSet and its pods.
 * As kube-controller-manager's `controller.ComputeHash`: FNV-1a (32 bit) of
 * the template, its decimal value spelled in the alphabet of generated
 * names. kube hashes a Go dump of the struct; we hash the template's
 * canonical JSON (sorted keys), so the values differ from a real cluster's,
 * but they are as stable and as short.
 */
import { isRecord, deepEqual } from '../object.js';

/** The label a ReplicaSet and its pods carry (and the RS selector adds). */
export const HASH_LABEL = 'pod-template-hash';

/** Letters `rand.SafeEncodeString` maps bytes to (no vowels, no look-alikes). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * `v` without nulls and empty objects: what a Go client adds when it sends
 * a typed template back (`creationTimestamp: null`, `resources: {}`, as
 * `kubectl rollout undo` does) means the same as leaving it out.
 */
export function normalized(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalized);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = normalized(x);
    if (n === null || n === undefined || (isRecord(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** FNV-1a, 32 bit, over the UTF-8 bytes of `s`. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The hash of a pod template, as the ReplicaSet name suffix and label value. */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const seed = canonical(normalized(template)) + (collisionCount ? `#${collisionCount}` : '');
  return [...String(fnv32a(seed))].map((c) => ALPHANUMS[c.charCodeAt(0) % 27]).join('');
}

/** `template` without the pod-template-hash label (what a ReplicaSet's template adds). */
export function withoutHash(template: unknown): Record<string, unknown> {
  const t = isRecord(template) ? template : {};
  const meta = isRecord(t.metadata) ? t.metadata : {};
  if (!isRecord(meta.labels) || !(HASH_LABEL in meta.labels)) return t;
  const labels = { ...meta.labels };
  delete labels[HASH_LABEL];
  return { ...t, metadata: { ...meta, labels } };
}

/** Whether two pod templates are the same but for the hash label (`EqualIgnoreHash`). */
export function sameTemplate(a: unknown, b: unknown): boolean {
  return deepEqual(normalized(withoutHash(a)), normalized(withoutHash(b)));
}
