/**
 * Field sets of objects: the fields a value sets (what an applier owns) and
 * the fields that differ between two values (what an update takes), walked
 * by the type's {@link Shape} as kube-apiserver's structured merge does.
 */
import { deepEqual, isRecord } from '../object.js';
import { keyElement, valueElement, type FieldSet, type PathElement } from './fieldpath.js';
import type { Shape } from './schema.js';

/** Key fields the API defaults, filled in so an item has one identity with or without them. */
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

/** The path element of `item`, the `index`th item of a list of shape `shape`. */
export function itemElement(shape: Shape, item: unknown, index: number): PathElement {
  const list = shape.list;
  if (list.type === 'set') return valueElement(item);
  if (list.type === 'map' && isRecord(item)) {
    const filled = { ...item };
    for (const k of list.keys)
      if (filled[k] === undefined && k in KEY_DEFAULTS) filled[k] = KEY_DEFAULTS[k];
    return keyElement(filled, list.keys);
  }
  return `i:${index}`;
}

/** Whether a value at `shape` is walked into (a granular map or an associative list). */
function granular(shape: Shape, value: unknown): 'map' | 'list' | undefined {
  if (isRecord(value)) return shape.atomicMap ? undefined : 'map';
  if (Array.isArray(value)) return shape.list.type === 'atomic' ? undefined : 'list';
  return undefined;
}

/** Items of a list by their path element. */
export function itemsByElement(shape: Shape, list: unknown[]): Map<PathElement, unknown> {
  const out = new Map<PathElement, unknown>();
  list.forEach((item, i) => out.set(itemElement(shape, item, i), item));
  return out;
}

/**
 * The fields `value` sets: every leaf, every list item, every entry of a
 * map (as opposed to a declared field), atomic maps and lists as one field;
 * a structure is not a field of its own.
 */
export function fieldSetOf(value: unknown, shape: Shape): FieldSet {
  const out = new Set<string>();
  const walk = (v: unknown, s: Shape, path: OpenPath): void => {
    const kind = granular(s, v);
    if (kind === 'map') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        const p = step(path, `f:${k}`);
        walk(child, s.field(k), p);
        if (!s.declares(k)) out.add(close(p));
      }
    } else if (kind === 'list') {
      for (const [el, item] of itemsByElement(s, v as unknown[])) {
        const p = step(path, el);
        out.add(close(p));
        walk(item, s.item(), p);
      }
    } else if (path !== ROOT) out.add(close(path));
  };
  walk(value, shape, ROOT);
  return out;
}

/**
 * A path being walked, as its member's encoding left open: `[` at the
 * root, `["f:a","f:b"` below. A step appends an element and closing gives
 * the member, the very string `encode` (fieldpath.ts) makes of the path
 * (`JSON.stringify` of an array of strings is its elements' joined by
 * commas, in brackets), without building an array and encoding it anew at
 * every level.
 */
type OpenPath = string;
const ROOT: OpenPath = '[';

function step(path: OpenPath, el: PathElement): OpenPath {
  return path === ROOT ? ROOT + JSON.stringify(el) : `${path},${JSON.stringify(el)}`;
}

function close(path: OpenPath): string {
  return `${path}]`;
}

/** What changed from one value to the next. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares `before` and `after`: a field present only after is added (with
 * the maps and items that hold it), one present only before is removed
 * (with everything below it), a leaf whose value changed is modified.
 */
export function compare(before: unknown, after: unknown, shape: Shape): Comparison {
  const c: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  const all = (v: unknown, s: Shape, path: OpenPath, into: FieldSet): void => {
    if (path !== ROOT) into.add(close(path));
    const kind = granular(s, v);
    if (kind === 'map') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>))
        all(child, s.field(k), step(path, `f:${k}`), into);
    } else if (kind === 'list') {
      for (const [el, item] of itemsByElement(s, v as unknown[]))
        all(item, s.item(), step(path, el), into);
    }
  };
  const walk = (l: unknown, r: unknown, s: Shape, path: OpenPath): void => {
    if (l === undefined && r === undefined) return;
    if (l === undefined) return all(r, s, path, c.added);
    if (r === undefined) return all(l, s, path, c.removed);
    const kl = granular(s, l);
    const kr = granular(s, r);
    if (kl === 'map' && kr === 'map') {
      const lm = l as Record<string, unknown>;
      const rm = r as Record<string, unknown>;
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)]))
        walk(lm[k], rm[k], s.field(k), step(path, `f:${k}`));
    } else if (kl === 'list' && kr === 'list') {
      const li = itemsByElement(s, l as unknown[]);
      const ri = itemsByElement(s, r as unknown[]);
      for (const el of new Set([...li.keys(), ...ri.keys()]))
        walk(li.get(el), ri.get(el), s.item(), step(path, el));
    } else if (!deepEqual(l, r) && path !== ROOT) c.modified.add(close(path));
  };
  walk(before, after, shape, ROOT);
  return c;
}
