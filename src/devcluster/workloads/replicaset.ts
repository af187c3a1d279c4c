/**
 * The ReplicaSet controller: keeps `spec.replicas` pods of the template
 * alive (creating them named `<rs>-xxxxx`, owned by the ReplicaSet,
 * scheduling gates included), deletes the surplus not-ready and newest
 * first, and reports the counts in status.
 */
import type { ObjectApi } from '../api.js';
import { isRecord, type KubeObject } from '../object.js';
import type { ResourceType } from '../resources.js';
import { controllerRef, controls, desiredReplicas, podReady, specOf, statusOf } from './owners.js';

/** The types a workload controller reads and writes. */
export interface WorkloadTypes {
  pods: ResourceType;
  replicaSets: ResourceType;
  deployments: ResourceType;
}

/** The live (not terminating) pods `rs` controls. */
export function podsOf(api: ObjectApi, t: WorkloadTypes, rs: KubeObject): KubeObject[] {
  const ns = rs.metadata.namespace ?? '';
  return [...api.store.collection(t.pods.storageKey).list(ns)].filter(
    (p) => controls(rs, p) && !p.metadata.deletionTimestamp,
  );
}

/** A pod of `rs`'s template, named by the server from `<rs>-`. */
function newPod(rs: KubeObject): KubeObject {
  const template = isRecord(specOf(rs).template) ? (specOf(rs).template as KubeObject) : undefined;
  const meta = isRecord(template?.metadata) ? template.metadata : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      name: '',
      generateName: `${rs.metadata.name}-`,
      ownerReferences: [controllerRef(rs)],
    },
    spec: isRecord(template?.spec) ? template.spec : {},
  };
}

/** Which pods go first when scaling down: not ready before ready, then the newest. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const ready = Number(podReady(a)) - Number(podReady(b));
  if (ready !== 0) return ready;
  return String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp));
}

/** Whether a pod's labels carry every label of the template (`fullyLabeledReplicas`). */
function fullyLabeled(rs: KubeObject, pod: KubeObject): boolean {
  const template = specOf(rs).template;
  const meta = isRecord(template) && isRecord(template.metadata) ? template.metadata : {};
  const want = isRecord(meta.labels) ? meta.labels : {};
  const have = pod.metadata.labels ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** Brings the pods of ReplicaSet `ns/name` to its size and writes its status. */
export function reconcileReplicaSet(
  api: ObjectApi,
  t: WorkloadTypes,
  ns: string,
  name: string,
): void {
  const rs = api.store.collection(t.replicaSets.storageKey).get(ns, name);
  if (!rs || rs.metadata.deletionTimestamp) return;
  let pods = podsOf(api, t, rs);
  const want = desiredReplicas(rs);
  for (let i = pods.length; i < want; i++) api.create(t.pods, ns, newPod(rs), api.context());
  if (pods.length > want) {
    for (const p of [...pods].sort(deletionOrder).slice(0, pods.length - want))
      api.delete(t.pods, ns, p.metadata.name, {}, api.context());
  }
  pods = podsOf(api, t, rs);
  const ready = pods.filter(podReady).length;
  const status = {
    ...statusOf(rs),
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => fullyLabeled(rs, p)).length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  const current = api.store.collection(t.replicaSets.storageKey).get(ns, name)!;
  api.update(
    t.replicaSets,
    ns,
    name,
    { ...current, status },
    api.context({ subresource: 'status' }),
  );
}
