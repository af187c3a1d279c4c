/**
 * Structural pruning, as apiextensions-apiserver does it on every write:
 * fields the schema does not declare are dropped unless the level says
 * `x-kubernetes-preserve-unknown-fields: true` (or is a map with an
 * `additionalProperties` schema). At a resource root (and in embedded
 * resources) `apiVersion`, `kind` and `metadata` are implicit, and
 * `metadata` is pruned to the fields of ObjectMeta.
 */
import { child, index } from './field-errors.js';
import {
  OBJECT_META_FIELDS,
  RESOURCE_FIELDS,
  additionalSchema,
  isObject,
  type SchemaNode,
} from './structural.js';

/**
 * Removes unknown fields from `value` in place and appends the path of each
 * one (e.g. `spec.foo`, `spec.items[0].bar`) to `unknown`, in document order.
 */
export function pruneInPlace(
  value: unknown,
  node: SchemaNode,
  path: string,
  unknown: string[],
  isResource = false,
): void {
  if (Array.isArray(value)) {
    if (node.items) {
      const items = node.items;
      value.forEach((item, i) => pruneValue(item, items, index(path, i), unknown));
    }
    return;
  }
  if (!isObject(value)) return;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  const mapValues = additionalSchema(node);
  for (const k of Object.keys(value)) {
    const p = child(path, k);
    if (isResource && RESOURCE_FIELDS.includes(k)) {
      if (k === 'metadata') pruneMeta(value[k], p, unknown);
      continue;
    }
    const prop = node.properties?.[k];
    if (prop) pruneValue(value[k], prop, p, unknown);
    else if (mapValues) pruneValue(value[k], mapValues, p, unknown);
    else if (!preserve && node.additionalProperties !== true) {
      delete value[k];
      unknown.push(p);
    }
  }
}

function pruneValue(value: unknown, node: SchemaNode, path: string, unknown: string[]): void {
  pruneInPlace(value, node, path, unknown, node['x-kubernetes-embedded-resource'] === true);
}

function pruneMeta(meta: unknown, path: string, unknown: string[]): void {
  if (!isObject(meta)) return;
  for (const k of Object.keys(meta)) {
    if (OBJECT_META_FIELDS.has(k)) continue;
    delete meta[k];
    unknown.push(child(path, k));
  }
}
