/**
 * Merging an applied configuration into the live object, and removing the
 * fields an applier gave up. Granular maps merge key by key, keyed lists
 * and sets item by item (live items keep their place, new ones follow),
 * everything else is replaced by the configuration's value.
 */
import { clone, isRecord } from '../object.js';
import { itemElement, itemsByElement } from './fieldset.js';
import { decode, startsWith, type FieldSet, type PathElement } from './fieldpath.js';
import type { Shape } from './schema.js';

/** `config` merged into `live` (neither is changed). */
export function mergeApplied(live: unknown, config: unknown, shape: Shape): unknown {
  if (isRecord(config) && !shape.atomicMap) {
    const base = isRecord(live) ? live : {};
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(config)) {
      // A null field is owned but stored absent, as the typed object kube-apiserver decodes into drops it.
      if (v === null) delete out[k];
      else out[k] = mergeApplied(base[k], v, shape.field(k));
    }
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live) && shape.list.type !== 'atomic') {
    const incoming = itemsByElement(shape, config);
    const out = live.map((item, i) => {
      const el = itemElement(shape, item, i);
      if (!incoming.has(el)) return item;
      const merged = mergeApplied(item, incoming.get(el), shape.item());
      incoming.delete(el);
      return merged;
    });
    for (const item of incoming.values()) out.push(clone(item));
    return out;
  }
  return clone(config);
}

/** `obj` without the fields at `paths` (each removed with everything below it). */
export function removeFields(obj: unknown, paths: FieldSet, shape: Shape): unknown {
  let out = clone(obj);
  // Only the outermost paths: removing a field removes what lies below it,
  // and an item emptied first could no longer be found by its key.
  const all = [...paths].map(decode);
  const outermost = all.filter((p) => !all.some((q) => q.length < p.length && startsWith(p, q)));
  for (const path of outermost) out = removeAt(out, path, shape);
  return out;
}

function removeAt(value: unknown, path: PathElement[], shape: Shape): unknown {
  if (path.length === 0) return undefined;
  const [el, ...rest] = path as [PathElement, ...PathElement[]];
  if (el.startsWith('f:') && isRecord(value)) {
    const name = el.slice(2);
    if (!(name in value)) return value;
    const child = removeAt(value[name], rest, shape.field(name));
    if (child === undefined) delete value[name];
    else value[name] = child;
    return value;
  }
  if (Array.isArray(value)) {
    const at = value.findIndex((item, i) => itemElement(shape, item, i) === el);
    if (at < 0) return value;
    const child = removeAt(value[at], rest, shape.item());
    if (child === undefined) value.splice(at, 1);
    else value[at] = child;
    return value;
  }
  return value;
}
