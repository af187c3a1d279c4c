/**
 * The invariants of `x-kubernetes-list-type`: a `set` holds no value twice;
 * a `map` holds no two items with the same values for its
 * `x-kubernetes-list-map-keys`. Every repeat after the first is a
 * Duplicate error at its index, the bad value being the repeated scalar or,
 * for a map, an object of the key fields (keys sorted, as Go marshals maps).
 */
import { duplicate, index, type FieldError } from './field-errors.js';
import { isObject, type SchemaNode } from './structural.js';

/** Duplicate errors for the list `v` under `node`; none for atomic or untyped lists. */
export function validateListType(v: unknown[], node: SchemaNode, path: string): FieldError[] {
  const type = node['x-kubernetes-list-type'];
  if (type === 'set') return findDuplicates(v, path, (item) => item);
  if (type === 'map') {
    const keys = [...(node['x-kubernetes-list-map-keys'] ?? [])].sort();
    if (keys.length === 0) return [];
    return findDuplicates(v, path, (item) => {
      if (!isObject(item)) return undefined;
      const k: Record<string, unknown> = {};
      for (const name of keys) if (item[name] !== undefined) k[name] = item[name];
      return k;
    });
  }
  return [];
}

function findDuplicates(
  v: unknown[],
  path: string,
  keyOf: (item: unknown) => unknown,
): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  v.forEach((item, i) => {
    const k = keyOf(item);
    if (k === undefined) return;
    const text = JSON.stringify(k);
    if (seen.has(text)) errors.push(duplicate(index(path, i), k));
    else seen.add(text);
  });
  return errors;
}
