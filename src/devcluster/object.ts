/**
 * The shape of stored objects and small pure helpers over them. Stored
 * objects are never mutated: every write builds a new object, so lists and
 * watch events can hand out references without copying.
 */
import type { ObjectMeta } from '../api/meta.js';

/**
 * The metadata of a stored object: the repository's one `ObjectMeta`, with
 * the name that every stored object has (the server fills it from
 * `generateName` before storing).
 */
export type StoredMeta = ObjectMeta & { name: string };

/**
 * Any stored Kubernetes object: typed metadata, and a body of arbitrary JSON
 * (the server stores every kind, its own and custom ones).
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: StoredMeta;
  [key: string]: unknown;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bo = b as Record<string, unknown>;
  if (ak.length !== Object.keys(bo).length) return false;
  for (const k of ak)
    if (!(k in bo) || !deepEqual((a as Record<string, unknown>)[k], bo[k])) return false;
  return true;
}

/**
 * A deep copy of a JSON value: what `structuredClone` gives for plain
 * objects, arrays and primitives, without its serialize-and-rebuild cost
 * (it was the largest single item of a write's CPU). Anything that is not
 * plain JSON (a Date, a Buffer, a class instance, a function) is still
 * handed to `structuredClone`, with its result or its DataCloneError. JSON
 * values have no cycles and no shared parts, so none are kept.
 */
export function clone<T>(v: T): T {
  return copyJson(v) as T;
}

function copyJson(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) {
    return typeof v === 'function' || typeof v === 'symbol' ? structuredClone(v) : v;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  // `map` keeps the holes of a sparse array, as structuredClone does.
  if (proto === Array.prototype) return (v as unknown[]).map(copyJson);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    // A parsed "__proto__" key is an own property; assigning it would set the prototype instead.
    if (k === '__proto__') {
      Object.defineProperty(out, k, {
        value: copyJson(src[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[k] = copyJson(src[k]);
  }
  return out;
}

/** Everything outside metadata and status: what bumps `metadata.generation`. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  }
  return rest;
}

/** The second {@link timestamp} last formatted, and its text: a write formats its time several times. */
let lastSecond = NaN;
let lastText = '';

/** The RFC 3339 time the API uses (seconds precision). */
export function timestamp(now: Date): string {
  // The text drops the milliseconds, so it depends on the second alone (NaN, an invalid date, never matches).
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

/** The JSON text of each object serialized by {@link storedJson}. */
const jsonText = new WeakMap<object, string>();

/**
 * `JSON.stringify(obj)` for an object the store holds (what a write
 * returns, what watchers get), kept with it: stored objects are never
 * mutated, so the answer to a write and each watcher's event share one
 * serialization.
 */
export function storedJson(obj: KubeObject): string {
  let text = jsonText.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    jsonText.set(obj, text);
  }
  return text;
}
