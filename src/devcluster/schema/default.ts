/**
 * Structural defaulting, as apiextensions-apiserver applies it when it
 * decodes an object: a property's `default` is set when the property is
 * missing from an object that is present (defaults never create parents
 * unless a parent's own default does), in array items too, and the value
 * that results is defaulted in turn. A `null` in a non-nullable property is
 * treated as missing: replaced by the default, or dropped when there is none
 * (`PruneNonNullableNullsWithoutDefaults`). A `null` in a nullable property
 * is kept and not defaulted.
 */
import { additionalSchema, cloneJson, isObject, type SchemaNode } from './structural.js';

/** The declared properties of a node that have a default, in schema order. */
const defaultedProps = new WeakMap<SchemaNode, Array<[string, SchemaNode]>>();

function withDefaults(
  node: SchemaNode,
  props: Record<string, SchemaNode>,
): Array<[string, SchemaNode]> {
  let out = defaultedProps.get(node);
  if (!out) {
    out = Object.entries(props).filter(([, prop]) => prop.default !== undefined);
    defaultedProps.set(node, out);
  }
  return out;
}

/** Applies the schema's defaults to `value` in place. */
export function defaultInPlace(value: unknown, node: SchemaNode): void {
  if (Array.isArray(value)) {
    const items = node.items;
    if (items) for (const item of value) defaultInPlace(item, items);
    return;
  }
  if (!isObject(value)) return;
  const props = node.properties;
  if (props) {
    // What fillOne does to every declared property, without visiting each for each object: a
    // default fills a missing or non-nullable null one (appended in schema order, as before);
    // without a default only a present non-nullable null changes (it goes), and dropping a key
    // moves no other.
    for (const [k, prop] of withDefaults(node, props)) fillOne(value, k, prop);
    for (const k of Object.keys(value)) {
      const prop = Object.hasOwn(props, k) ? props[k]! : undefined;
      if (prop && prop.default === undefined) fillOne(value, k, prop);
    }
  }
  const mapValues = additionalSchema(node);
  if (mapValues) {
    for (const k of Object.keys(value)) if (!props?.[k]) fillOne(value, k, mapValues);
  }
  for (const [k, v] of Object.entries(value)) {
    const sub = props?.[k] ?? mapValues;
    if (sub && v !== null && typeof v === 'object') defaultInPlace(v, sub);
  }
}

function fillOne(obj: Record<string, unknown>, k: string, prop: SchemaNode): void {
  const present = Object.hasOwn(obj, k);
  const nonNullableNull = present && obj[k] === null && prop.nullable !== true;
  if (present && !nonNullableNull) return;
  if (prop.default !== undefined) obj[k] = cloneJson(prop.default);
  else if (nonNullableNull) delete obj[k];
}
