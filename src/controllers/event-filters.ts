/**
 * Which informer updates wake a controller, as named predicates (the
 * controller-runtime GenerationChangedPredicate family). A controller's own
 * status writes change none of generation, annotations, labels or deletion,
 * so handlers built from these do not wake themselves in a loop. One
 * equality for all of them: deep and strict, key order ignored.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kube/index.js';

/** Whether the change from `old` to `cur` matters to a controller. */
export type UpdatePredicate<T> = (old: T, cur: T) => boolean;

/** True when `read` gives different values (deeply compared) for the two versions. */
export function valueChanged<T, V>(read: (o: T) => V): UpdatePredicate<T> {
  return (old, cur) => !isDeepStrictEqual(read(old), read(cur));
}

/** The spec changed (metadata.generation moves only with it). */
export const generationChanged: UpdatePredicate<KubeObject> = valueChanged(
  (o) => o.metadata?.generation,
);

/** Deletion started (metadata.deletionTimestamp appeared or changed). */
export const deletionChanged: UpdatePredicate<KubeObject> = valueChanged(
  (o) => o.metadata?.deletionTimestamp,
);

/** Any annotation was added, removed or changed. */
export const annotationsChanged: UpdatePredicate<KubeObject> = valueChanged(
  (o) => o.metadata?.annotations ?? {},
);

/** Any label was added, removed or changed. */
export const labelsChanged: UpdatePredicate<KubeObject> = valueChanged(
  (o) => o.metadata?.labels ?? {},
);

/** The annotation `name` was added, removed or changed. */
export function annotationChanged(name: string): UpdatePredicate<KubeObject> {
  return valueChanged((o) => o.metadata?.annotations?.[name]);
}

/** True when any of `predicates` is. */
export function anyOf<T>(...predicates: UpdatePredicate<T>[]): UpdatePredicate<T> {
  return (old, cur) => predicates.some((p) => p(old, cur));
}

/** True when `test` holds for the old or the new version (an object entering or leaving a set). */
export function eitherSide<T>(test: (o: T) => boolean): UpdatePredicate<T> {
  return (old, cur) => test(old) || test(cur);
}
