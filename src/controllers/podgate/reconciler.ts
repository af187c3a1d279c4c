/**
 * The pod-gate reconciler: a flat run of steps, each returning early:
 * gone → decide → wait (tell each reason once) → remove our gate → tell.
 *
 * Only our own gate is removed, with a JSON patch whose `test` op checks the
 * gate list is still the one we decided on: a concurrent change by anyone
 * else makes the patch fail (422) and the key is retried from a fresh cache,
 * instead of our list overwriting theirs. Nothing here polls: the setup
 * wakes pods when their SchemaMigration's readiness changes.
 */
import type { SchemaMigration } from '../../api/index.js';
import { READY_GATE } from '../../api/index.js';
import {
  NotFoundError,
  type EventRecorder,
  type EventSubject,
  type JsonPatchOp,
  type ObjectKey,
  type ReconcileContext,
  type Result,
} from '../../kube/index.js';
import type { GatedPod } from '../pod-annotations.js';
import { decide } from './decision.js';

/** Everything the reconciler reads and writes, injected. */
export interface PodGateDeps {
  /** A pod from the informer cache, by `ns/name`. */
  getPod(key: string): GatedPod | undefined;
  /** A SchemaMigration from the informer cache, by `ns/name`. */
  getMigration(key: string): SchemaMigration | undefined;
  /** Sends a JSON patch to the pod; a failing `test` op rejects (422). */
  patchPod(key: ObjectKey, ops: JsonPatchOp[]): Promise<unknown>;
  events: EventRecorder;
  /** Called after a gate was removed (metrics, benchmarks). */
  onReleased?(key: string): void;
}

/**
 * The JSON patch removing `gate` from `pod`'s scheduling gates, guarded by a
 * `test` of the whole list as read; undefined when the pod lacks the gate.
 */
export function removeGatePatch(pod: GatedPod, gate: string): JsonPatchOp[] | undefined {
  const gates = pod.spec?.schedulingGates ?? [];
  const index = gates.findIndex((g) => g.name === gate);
  if (index < 0) return undefined;
  return [
    { op: 'test', path: '/spec/schedulingGates', value: gates },
    { op: 'remove', path: `/spec/schedulingGates/${index}` },
  ];
}

/** Builds the reconcile function with its memory of what each pod was told. */
export function podGateReconciler(deps: PodGateDeps) {
  /** Per pod key: `uid|reason|waitsFor` of the last wait Event, so each reason is told once. */
  const told = new Map<string, string>();

  return async function reconcile(ctx: ReconcileContext, key: string): Promise<Result> {
    const pod = deps.getPod(key);
    if (!pod) {
      told.delete(key);
      return {};
    }

    const d = decide(pod, deps.getMigration);
    if (d.action === 'ignore') {
      told.delete(key);
      return {};
    }

    if (d.action === 'wait') {
      const said = `${pod.metadata?.uid}|${d.reason}|${d.waitsFor}`;
      if (told.get(key) !== said) {
        told.set(key, said);
        ctx.log.info('pod kept gated', { reason: d.reason, note: d.message });
        void deps.events.record(subject(pod), d.type, d.reason, d.message);
      }
      return {};
    }

    const ops = removeGatePatch(pod, READY_GATE)!;
    const m = pod.metadata!;
    try {
      await deps.patchPod({ namespace: m.namespace, name: m.name! }, ops);
    } catch (err) {
      // Deleted meanwhile: nothing left to release.
      if (err instanceof NotFoundError) return {};
      throw err;
    }
    told.delete(key);
    ctx.log.info('scheduling gate removed', { note: d.message });
    deps.onReleased?.(key);
    void deps.events.record(subject(pod), 'Normal', 'SchemaReady', d.message);
    return {};
  };
}

/** What an Event is about: the pod's identity only. */
function subject(pod: GatedPod): EventSubject {
  const { name, namespace, uid, resourceVersion } = pod.metadata ?? {};
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid, resourceVersion } };
}
