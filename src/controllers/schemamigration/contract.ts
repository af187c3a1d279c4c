/**
 * Whether a contract migration may run (DESIGN section 4a), as a pure
 * function of the pods that name the SchemaMigration: every one of them
 * (gated or running, terminating included) must declare a min-version at
 * or past the version just before the contract. A pod without min-version,
 * or with one that is not a version, needs the oldest schema and blocks.
 * Gated pods count only by their min-version, so a rollout's new pods (at
 * the expand version) never block; a gated pod that needs the contract
 * itself while old pods block it is a deadlock, reported rather than waited on.
 */
import type {
  SchemaMigrationStatusContract,
  SchemaMigrationStatusContractBlockingPod,
} from '../../api/index.js';
import { compareVersions, type Migration } from '../../engine/index.js';
import { gateRequest, hasReadyGate, type GatedPod } from '../pod-annotations.js';

/** A pod as the contract check reads it. */
export interface ContractPod {
  name: string;
  /** For Events on the pod. */
  uid?: string;
  /** The owning workload, `Kind/name`; a Deployment's ReplicaSet names the Deployment. */
  workload?: string;
  /** Absent when the pod declares none (or none that is a version). */
  minVersion?: string;
  gated: boolean;
}

/** Why a contract migration waits: the pods it waits for, and the gated pods waiting for it. */
export interface ContractWait {
  migration: Pick<Migration, 'version' | 'name'>;
  /** The version every pod must declare at or past; null when the contract is the first file. */
  needed: string | null;
  blocking: ContractPod[];
  /** Gated pods needing the contract version or later while `blocking` is not empty. */
  deadlocked: ContractPod[];
}

/** Pods named in a message, at most. */
export const PODS_NAMED = 5;
/** Pods listed in status, at most (the CRD's maxItems). */
export const PODS_LISTED = 20;

/** How `pod` reads for the contract check. */
export function contractPod(pod: GatedPod): ContractPod {
  const req = gateRequest(pod);
  const p: ContractPod = {
    name: pod.metadata.name ?? '',
    uid: pod.metadata.uid,
    gated: hasReadyGate(pod),
  };
  const workload = workloadOf(pod);
  if (workload) p.workload = workload;
  if (req.ok && req.minVersion !== undefined) p.minVersion = req.minVersion;
  return p;
}

/**
 * The pod's controlling owner as `Kind/name`. A ReplicaSet whose name is
 * `<deployment>-<the pod's pod-template-hash>` is a Deployment's: the
 * Deployment is named (the ReplicaSet itself is not read).
 */
export function workloadOf(pod: GatedPod): string | undefined {
  const refs = pod.metadata.ownerReferences ?? [];
  const owner = refs.find((r) => r.controller) ?? refs[0];
  if (!owner) return undefined;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`))
    return `Deployment/${owner.name.slice(0, -hash.length - 1)}`;
  return `${owner.kind}/${owner.name}`;
}

/** True when `p` needs a schema older than `needed`. */
export function blocks(p: ContractPod, needed: string | null): boolean {
  if (p.minVersion === undefined) return true;
  return needed !== null && compareVersions(p.minVersion, needed) < 0;
}

/** The wait of contract migration `m` (`previous` is the version before it) given the pods naming its CR. */
export function contractWait(
  m: Migration,
  previous: string | null,
  pods: GatedPod[],
): ContractWait {
  const all = pods.map(contractPod).sort((a, b) => a.name.localeCompare(b.name));
  const blocking = all.filter((p) => blocks(p, previous));
  const deadlocked =
    blocking.length === 0
      ? []
      : all.filter(
          (p) =>
            p.gated && p.minVersion !== undefined && compareVersions(p.minVersion, m.version) >= 0,
        );
  return {
    migration: { version: m.version, name: m.name },
    needed: previous,
    blocking,
    deadlocked,
  };
}

/** One pod for a message: `name (Deployment/api, min-version 004)`. */
function podLabel(p: ContractPod): string {
  const needs = p.minVersion ? `min-version ${p.minVersion}` : 'no min-version';
  return `${p.name} (${p.workload ?? 'no owner'}, ${needs})`;
}

/** Up to PODS_NAMED pods, then how many more. */
function podList(pods: ContractPod[]): string {
  const named = pods.slice(0, PODS_NAMED).map(podLabel).join(', ');
  const more = pods.length - PODS_NAMED;
  return more > 0 ? `${named} and ${more} more` : named;
}

/** The ContractPending message: which contract waits, for which pods. */
export function waitMessage(w: ContractWait): string {
  const { version, name } = w.migration;
  const needs = w.needed ? `min-version ${w.needed} or later` : 'a min-version';
  const base =
    `contract migration ${version}_${name} waits for ${w.blocking.length} pod(s) that need ` +
    `an older schema (each pod must declare ${needs}): ${podList(w.blocking)}`;
  if (w.deadlocked.length === 0) return base;
  return (
    `deadlock: gated pod(s) ${podList(w.deadlocked)} need version ${version} or later, ` +
    `which cannot run while they stay; ${base}`
  );
}

/** The Event on a deadlocked pod: why its gate stays. */
export function deadlockMessage(w: ContractWait, migrationKey: string): string {
  const { version, name } = w.migration;
  return (
    `kept gated: it needs version ${version}, contract migration ${version}_${name} of ` +
    `SchemaMigration ${migrationKey}, which waits for ${w.blocking.length} older pod(s) to go: ` +
    `${podList(w.blocking)}; if those wait for this pod, lower its min-version to ` +
    `${w.needed ?? 'none'} until the contract has run`
  );
}

/** status.contract for a wait, with the held versions. */
export function contractStatus(w: ContractWait, held: string[]): SchemaMigrationStatusContract {
  const s: SchemaMigrationStatusContract = {
    waitingVersions: held.slice(0, PODS_LISTED),
    blockingCount: w.blocking.length,
    blockingPods: w.blocking.slice(0, PODS_LISTED).map(blockingPod),
  };
  if (w.needed) s.neededVersion = w.needed;
  if (w.deadlocked.length) s.deadlockedPods = w.deadlocked.slice(0, PODS_LISTED).map((p) => p.name);
  return s;
}

function blockingPod(p: ContractPod): SchemaMigrationStatusContractBlockingPod {
  const out: SchemaMigrationStatusContractBlockingPod = { name: p.name };
  if (p.workload) out.workload = p.workload;
  if (p.minVersion) out.minVersion = p.minVersion;
  return out;
}

/** What identifies the blocking set in status (one Event per change of it). */
export function blockingSignature(c: SchemaMigrationStatusContract | undefined): string {
  if (!c) return '';
  return JSON.stringify([c.blockingCount, c.blockingPods?.map((p) => p.name) ?? []]);
}
