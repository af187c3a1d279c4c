/**
 * Pod rules. There is no scheduler or kubelet: a pod without scheduling
 * gates is marked Running and Ready right after it is stored, and a gated pod
 * stays Pending with PodScheduled=False/SchedulingGated until an update
 * removes its last gate. Gates may only be removed after creation, as the
 * real API enforces.
 */
import type { ObjectApi } from './api.js';
import { invalid } from './errors.js';
import { isRecord, timestamp, type KubeObject } from './object.js';
import type { ResourceType } from './resources.js';
import type { KindRules } from './rules.js';

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

/** The pod rules; `api` performs the follow-up "scheduling" write. */
export function podRules(api: ObjectApi): KindRules {
  return {
    onCreate(_t, pod, ctx) {
      const now = timestamp(ctx.now);
      return { ...pod, status: gates(pod).length ? gatedStatus(now) : runningStatus(pod, now) };
    },
    onUpdate(t, pod, old, ctx) {
      if (ctx.subresource !== 'status') checkGates(t, pod, old);
      return pod;
    },
    afterWrite(t, ev) {
      if (ev.type !== 'MODIFIED' || !ev.previous) return;
      const released = gates(ev.previous).length > 0 && gates(ev.object).length === 0;
      if (!released || ev.object.metadata.deletionTimestamp) return;
      // A separate write, as the scheduler's binding would be: watchers see the release, then the start.
      setImmediate(() => {
        const ns = ev.object.metadata.namespace ?? '';
        const name = ev.object.metadata.name;
        let current: KubeObject;
        try {
          current = api.get(t, ns, name);
        } catch {
          return;
        }
        if (current.metadata.uid !== ev.object.metadata.uid || gates(current).length) return;
        const now = timestamp(api.clock());
        api.commit(t, 'MODIFIED', { ...current, status: runningStatus(current, now) }, current);
      });
    },
    fields: {
      'status.phase': (o) => (isRecord(o.status) ? String(o.status.phase ?? '') : ''),
      'spec.nodeName': (o) => (isRecord(o.spec) ? String(o.spec.nodeName ?? '') : ''),
    },
  };
}
