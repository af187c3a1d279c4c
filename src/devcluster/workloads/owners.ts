/**
 * Owner references between the workload kinds: which object controls
 * another (the one reference with `controller: true`), and the reference a
 * controller writes into what it creates.
 */
import type { OwnerReference } from '../../api/meta.js';
import { isRecord, type KubeObject } from '../object.js';

/** The controlling owner of `obj`, or undefined. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Whether `owner` controls `obj`. */
export function controls(owner: KubeObject, obj: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** The reference a controller puts on what it creates (blocking its owner's foreground deletion). */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** `obj.spec` as a record (empty when absent). */
export function specOf(obj: KubeObject): Record<string, unknown> {
  return isRecord(obj.spec) ? obj.spec : {};
}

/** `obj.status` as a record (empty when absent). */
export function statusOf(obj: KubeObject): Record<string, unknown> {
  return isRecord(obj.status) ? obj.status : {};
}

/** `spec.replicas`, defaulting to 1 as the API does. */
export function desiredReplicas(obj: KubeObject): number {
  const r = specOf(obj).replicas;
  return typeof r === 'number' ? r : 1;
}

/** A numeric status field, 0 when absent. */
export function statusCount(obj: KubeObject, field: string): number {
  const v = statusOf(obj)[field];
  return typeof v === 'number' ? v : 0;
}

/** Whether a pod reports condition Ready=True. */
export function podReady(pod: KubeObject): boolean {
  const conditions = statusOf(pod).conditions;
  if (!Array.isArray(conditions)) return false;
  return conditions.some((c) => isRecord(c) && c.type === 'Ready' && c.status === 'True');
}
