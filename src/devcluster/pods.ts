/**
 * Pod rules. There is no scheduler or kubelet: a pod without scheduling
 * gates is bound to a fake node and marked Running and Ready, within its
 * create or, for a ReplicaSet's pod, after a short delay (pod-start.ts), and a gated pod
 * stays Pending with PodScheduled=False/SchedulingGated until an update
 * removes its last gate, then starts after the same delay. Gates may only
 * be removed after creation, as the real API enforces.
 */
import type { ObjectApi } from './api.js';
import { invalid } from './errors.js';
import { isRecord, timestamp, type KubeObject } from './object.js';
import type { ResourceType } from './resources.js';
import type { KindRules } from './rules.js';
import { NODE_NAME, type PodStarter } from './pod-start.js';

function gates(pod: KubeObject): string[] {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec.schedulingGates) ? spec.schedulingGates : [];
  return list.map((g) => (isRecord(g) ? String(g.name) : ''));
}

function containerNames(pod: KubeObject): string[] {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec.containers) ? spec.containers : [];
  return list.map((c) => (isRecord(c) ? String(c.name) : ''));
}

function condition(
  type: string,
  status: string,
  now: string,
  extra: Record<string, string> = {},
): object {
  return { type, status, lastProbeTime: null, lastTransitionTime: now, ...extra };
}

/** The status of a pod still held by scheduling gates. */
function gatedStatus(now: string): object {
  return {
    phase: 'Pending',
    qosClass: 'BestEffort',
    conditions: [
      condition('PodScheduled', 'False', now, {
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      }),
    ],
  };
}

/** The status of a pod bound to the node whose containers have not started yet. */
function scheduledStatus(now: string): object {
  return {
    phase: 'Pending',
    qosClass: 'BestEffort',
    hostIP: '127.0.0.1',
    conditions: [condition('PodScheduled', 'True', now)],
  };
}

/** `pod` bound to the fake node. */
function bound(pod: KubeObject): KubeObject {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  return spec.nodeName ? pod : { ...pod, spec: { ...spec, nodeName: NODE_NAME } };
}

/** The status of a pod the (absent) kubelet would have started. */
function runningStatus(pod: KubeObject, now: string): object {
  return {
    phase: 'Running',
    qosClass: 'BestEffort',
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    startTime: now,
    conditions: [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ].map((t) => condition(t, 'True', now)),
    containerStatuses: containerNames(pod).map((name) => ({
      name,
      ready: true,
      started: true,
      restartCount: 0,
      image: '',
      imageID: '',
      state: { running: { startedAt: now } },
    })),
  };
}

/** Rejects added or renamed gates: `only deletion is allowed`. */
function checkGates(t: ResourceType, pod: KubeObject, old: KubeObject): void {
  const before = new Set(gates(old));
  const errors = gates(pod).flatMap((g, i) =>
    before.has(g)
      ? []
      : [
          {
            type: 'FieldValueForbidden',
            field: `spec.schedulingGates[${i}].name`,
            message: `Forbidden: only deletion is allowed, but found new scheduling gate '${g}'`,
          },
        ],
  );
  if (errors.length)
    throw invalid({ kind: t.kind, group: t.group, name: pod.metadata.name, errors });
}

/** The pod rules; `api` performs the follow-up "scheduling" and "kubelet" writes, `starter` times them. */
export function podRules(api: ObjectApi, starter: PodStarter): KindRules {
  /** Marks pod `ns/name` Running and Ready, unless it changed identity, got gates or is going away. */
  const start = (t: ResourceType, ns: string, name: string, uid: string | undefined): void => {
    const current = api.store.collection(t.storageKey).get(ns, name);
    if (!current || current.metadata.uid !== uid || gates(current).length) return;
    if (current.metadata.deletionTimestamp) return;
    const now = timestamp(api.clock());
    api.commit(t, 'MODIFIED', { ...bound(current), status: runningStatus(current, now) }, current);
  };
  return {
    onCreate(_t, pod, ctx) {
      const now = timestamp(ctx.now);
      if (gates(pod).length) return { ...pod, status: gatedStatus(now) };
      if (starter.delayOf(pod) <= 0) return { ...bound(pod), status: runningStatus(pod, now) };
      return { ...bound(pod), status: scheduledStatus(now) };
    },
    onUpdate(t, pod, old, ctx) {
      if (ctx.subresource !== 'status') checkGates(t, pod, old);
      return pod;
    },
    afterWrite(t, ev) {
      const o = ev.object;
      if (o.metadata.deletionTimestamp || gates(o).length) return;
      const created = ev.type === 'ADDED' && starter.delayOf(o) > 0;
      const released =
        ev.type === 'MODIFIED' && ev.previous !== undefined && gates(ev.previous).length > 0;
      if (!created && !released) return;
      // A separate write, as the kubelet's would be: watchers see the release, then the start.
      const ns = o.metadata.namespace ?? '';
      starter.later(o, () => start(t, ns, o.metadata.name, o.metadata.uid));
    },
    fields: {
      'status.phase': (o) => (isRecord(o.status) ? String(o.status.phase ?? '') : ''),
      'spec.nodeName': (o) => (isRecord(o.spec) ? String(o.spec.nodeName ?? '') : ''),
    },
  };
}
