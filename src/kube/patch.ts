/**
 * Patches that must not lose others' writes. Status is written only when
 * it changed (no churn of resourceVersion, no watch events for nothing).
 * Finalizer edits carry the object's resourceVersion, so if anyone changed
 * the object since we read it the API answers 409 and we retry from a fresh
 * read, instead of our list of finalizers overwriting theirs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, ResourceClient } from './resource-client.js';

function keyOf(obj: KubeObject) {
  const m = obj.metadata;
  if (!m.name) throw new TypeError('the object has no metadata.name');
  return { name: m.name, namespace: m.namespace };
}

/**
 * Merge-patches `/status` with `status` unless it deep-equals the object's
 * current status; returns the patched object, or `obj` unchanged.
 */
export async function mergePatchStatus<T extends KubeObject & { status?: unknown }>(
  client: ResourceClient<T>,
  obj: T,
  status: NonNullable<T['status']>,
): Promise<{ changed: boolean; object: T }> {
  if (isDeepStrictEqual(obj.status, status)) return { changed: false, object: obj };
  return { changed: true, object: await client.patchStatus(keyOf(obj), status) };
}

/** True when `obj` carries `finalizer`. */
export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/**
 * Adds `finalizer` with a merge patch conditioned on `obj`'s resourceVersion
 * (`ConflictError` if the object changed since it was read). No call when present.
 */
export async function addFinalizer<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  finalizer: string,
): Promise<T> {
  if (hasFinalizer(obj, finalizer)) return obj;
  const finalizers = [...(obj.metadata.finalizers ?? []), finalizer];
  return client.mergePatch(keyOf(obj), {
    metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion },
  });
}

/**
 * Removes `finalizer` with a JSON patch whose `test` op checks the list is
 * still what we read (a 422 `InvalidError` if not). No call when absent.
 */
export async function removeFinalizer<T extends KubeObject>(
  client: ResourceClient<T>,
  obj: T,
  finalizer: string,
): Promise<T> {
  const current = obj.metadata.finalizers ?? [];
  const index = current.indexOf(finalizer);
  if (index < 0) return obj;
  return client.jsonPatch(keyOf(obj), [
    { op: 'test', path: '/metadata/finalizers', value: current },
    { op: 'remove', path: `/metadata/finalizers/${index}` },
  ]);
}
