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

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Everything outside metadata and status: what bumps `metadata.generation`. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = v;
  }
  return rest;
}

/** The RFC 3339 time the API uses (seconds precision). */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
