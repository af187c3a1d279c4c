/**
 * What the pod gate decides for one pod, as a pure function of the pod and
 * the SchemaMigration it names: release it, keep it waiting (and why), or
 * leave it alone. Fails closed: anything unexpected (no annotation, a bad
 * version, a missing or stale SchemaMigration) keeps the gate.
 *
 * The same readiness test serves `schema-operator wait --migration`, so the
 * init container and the gate can never disagree about "ready".
 */
import {
  MigrationConditions,
  READY_GATE,
  getCondition,
  isConditionTrue,
  type SchemaMigration,
} from '../../api/index.js';
import { compareVersions } from '../../engine/index.js';
import { gateRequest, hasReadyGate, type GatedPod } from '../pod-annotations.js';
import { awaitingApprovalWithSchema } from '../schema-ready.js';

/** Why a pod still waits; the Event reason on the pod. */
export type WaitReason =
  /** No (or a malformed) migration annotation, or a min-version that is not a version. */
  | 'InvalidGateAnnotation'
  /** The named SchemaMigration does not exist in the pod's namespace. */
  | 'MigrationNotFound'
  /** It exists but is not Ready for its current generation. */
  | 'MigrationNotReady'
  /** It is Ready, but at a version below the pod's min-version. */
  | 'SchemaTooOld';

/** The outcome for one pod. */
export type GateDecision =
  | { action: 'ignore' }
  | { action: 'release'; message: string }
  | {
      action: 'wait';
      reason: WaitReason;
      /** Warning for a problem a person must fix; Normal for an ordinary wait. */
      type: 'Normal' | 'Warning';
      /** What the pod waits for: stable while the pod's annotations are (used to tell each reason once). */
      waitsFor: string;
      message: string;
    };

/** Where a SchemaMigration stands against a wanted version. */
export type Readiness =
  | { ready: true; appliedVersion?: string }
  | { ready: false; reason: 'MigrationNotReady' | 'SchemaTooOld'; state: string };

/**
 * Ready means: status.observedGeneration equals metadata.generation, the
 * Ready condition is True for that generation, and (when `minVersion` is
 * given) status.appliedVersion is at or past it. A plan waiting for approval
 * changes nothing applied: a pod with a min-version already applied is
 * released while it waits; one with no min-version (it wants the newest
 * schema) keeps waiting.
 */
export function migrationReadiness(smig: SchemaMigration, minVersion?: string): Readiness {
  const gen = smig.metadata?.generation ?? 0;
  const status = smig.status;
  const ready = getCondition(status?.conditions, MigrationConditions.Ready);
  const usable = minVersion !== undefined && awaitingApprovalWithSchema(smig);
  if (usable) return atVersion(status?.appliedVersion, minVersion, 'awaits approval');
  if (status?.observedGeneration !== gen || !isConditionTrue(status.conditions, 'Ready', gen)) {
    const why = ready
      ? `Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}${ready.message ? `: ${ready.message}` : ''}`
      : 'no Ready condition yet';
    const stale =
      status?.observedGeneration !== gen
        ? `; status is for generation ${status?.observedGeneration ?? '(none)'}, not ${gen}`
        : '';
    return { ready: false, reason: 'MigrationNotReady', state: `${why}${stale}` };
  }
  return atVersion(status.appliedVersion, minVersion, 'is Ready');
}

/** Ready, unless `applied` is below `minVersion`. */
function atVersion(
  applied: string | undefined,
  minVersion: string | undefined,
  state: string,
): Readiness {
  if (minVersion !== undefined && (!applied || compareVersions(applied, minVersion) < 0))
    return {
      ready: false,
      reason: 'SchemaTooOld',
      state: `it ${state} at version ${applied ?? '(none applied)'}`,
    };
  return { ready: true, appliedVersion: applied };
}

/** A readable target: `SchemaMigration ns/name[ at version V or later]`. */
export function describeTarget(key: string, minVersion?: string): string {
  return `SchemaMigration ${key} to be Ready${minVersion ? ` at version ${minVersion} or later` : ''}`;
}

/**
 * The decision for `pod`, given a lookup of SchemaMigrations by `ns/name`.
 * Pods without our gate, or being deleted, are ignored.
 */
export function decide(
  pod: GatedPod,
  lookup: (key: string) => SchemaMigration | undefined,
): GateDecision {
  if (!hasReadyGate(pod) || pod.metadata?.deletionTimestamp) return { action: 'ignore' };
  const req = gateRequest(pod);
  if (!req.ok)
    return {
      action: 'wait',
      reason: 'InvalidGateAnnotation',
      type: 'Warning',
      waitsFor: req.message,
      message: `kept gated: ${req.message}`,
    };
  const key = `${pod.metadata.namespace}/${req.migration}`;
  const target = describeTarget(key, req.minVersion);
  const smig = lookup(key);
  if (!smig)
    return {
      action: 'wait',
      reason: 'MigrationNotFound',
      type: 'Warning',
      waitsFor: target,
      message: `waiting for ${target}, but SchemaMigration ${key} does not exist`,
    };
  const r = migrationReadiness(smig, req.minVersion);
  if (!r.ready)
    return {
      action: 'wait',
      reason: r.reason,
      type: 'Normal',
      waitsFor: target,
      message: `waiting for ${target}; now: ${r.state}`,
    };
  return {
    action: 'release',
    message: `removed scheduling gate ${READY_GATE}: SchemaMigration ${key} is Ready at version ${r.appliedVersion ?? '(none)'}${req.minVersion ? ` (needs ${req.minVersion})` : ''}`,
  };
}

/**
 * What about a SchemaMigration can change a gate decision; a status write
 * that leaves this unchanged (progress counts, timestamps) wakes no pod.
 */
export function readinessSignature(smig: SchemaMigration | undefined): string {
  if (!smig) return 'absent';
  const ready = getCondition(smig.status?.conditions, MigrationConditions.Ready);
  return JSON.stringify([
    smig.metadata?.generation,
    smig.status?.observedGeneration,
    smig.status?.appliedVersion,
    ready?.status,
    ready?.reason,
    ready?.observedGeneration,
  ]);
}
