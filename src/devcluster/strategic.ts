/**
 * Strategic merge patch for the built-in kinds, as far as `kubectl apply`
 * and `kubectl patch` use it: lists of objects merge by the merge key the
 * Kubernetes types declare (looked up by field name, which is unambiguous for
 * the kinds served here), lists of strings marked `merge` union, and the
 * directives `$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>` work.
 */
import { badRequest } from './errors.js';
import { clone, isRecord } from './object.js';

/** Field name → merge key of the object lists that merge instead of replace. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  schedulingGates: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  resourceClaims: 'name',
  secrets: 'name',
};

/** Lists of scalars whose patch strategy is `merge` (a set union). */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

const DELETE_FROM = '$deleteFromPrimitiveList/';
const ELEMENT_ORDER = '$setElementOrder/';

/** Applies a strategic merge patch to a copy of `target`. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(isRecord(target) ? target : {}, patch);
}

function mergeMap(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const directive = patch.$patch;
  if (directive === 'delete') return {};
  if (directive === 'replace') return stripDirectives(patch) as Record<string, unknown>;
  let out: Record<string, unknown> = { ...target };
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    const keep = new Set(retain as string[]);
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith(ELEMENT_ORDER)) continue;
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((v) => !drop.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete out[key];
    } else if (isRecord(value)) {
      const merged = mergeMap(
        isRecord(out[key]) ? (out[key] as Record<string, unknown>) : {},
        value,
      );
      if (value.$patch === 'delete') delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, out[key], value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  const cur = Array.isArray(current) ? current : [];
  if (patch.some((p) => isRecord(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isRecord(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  const key = MERGE_KEYS[field];
  if (key) return mergeKeyed(key, cur, patch);
  if (MERGED_SCALAR_LISTS.has(field)) {
    const seen = new Set(cur.map((v) => JSON.stringify(v)));
    return [...cur, ...patch.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  return patch.map(stripDirectives);
}

function mergeKeyed(key: string, cur: unknown[], patch: unknown[]): unknown[] {
  const out = cur.map((v) => v);
  for (const item of patch) {
    if (!isRecord(item)) {
      out.push(item);
      continue;
    }
    const at = out.findIndex((v) => isRecord(v) && v[key] === item[key]);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = mergeMap(out[at] as Record<string, unknown>, item);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

/** A copy of a patch fragment without `$` directives, used where it is stored as is. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isRecord(v)) return clone(v);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}
