/**
 * What a pod declares about the schema it needs, read from its annotations
 * and scheduling gates: the SchemaMigration it names and its min-version.
 * The pod gate (whether to release it) and the SchemaMigration controller
 * (whether a contract migration may run) read pods the same way.
 */
import { MIGRATION_ANNOTATION, MIN_VERSION_ANNOTATION, READY_GATE } from '../api/index.js';
import { isVersion } from '../engine/index.js';
import type { KubeObject } from '../kube/index.js';

/** A pod as the gate reads it: metadata and its scheduling gates. */
export interface GatedPod extends KubeObject {
  spec?: { schedulingGates?: Array<{ name: string }>; [k: string]: unknown };
}

/** What a pod asks for, read from its annotations; or why they cannot be read. */
export type GateRequest =
  { ok: true; migration: string; minVersion?: string } | { ok: false; message: string };

/** A DNS-1123 subdomain, the form of every object name. */
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when the pod still carries our scheduling gate. */
export function hasReadyGate(pod: GatedPod): boolean {
  return pod.spec?.schedulingGates?.some((g) => g.name === READY_GATE) ?? false;
}

/** Reads and checks the pod's annotations. */
export function gateRequest(pod: GatedPod): GateRequest {
  const a = pod.metadata?.annotations ?? {};
  const migration = a[MIGRATION_ANNOTATION]?.trim();
  if (!migration)
    return { ok: false, message: `the pod has no ${MIGRATION_ANNOTATION} annotation` };
  if (migration.length > 253 || !NAME.test(migration))
    return {
      ok: false,
      message: `${MIGRATION_ANNOTATION} "${migration}" is not the name of a SchemaMigration in the pod's namespace`,
    };
  const minVersion = a[MIN_VERSION_ANNOTATION]?.trim();
  if (minVersion === undefined || minVersion === '') return { ok: true, migration };
  if (!isVersion(minVersion))
    return {
      ok: false,
      message: `${MIN_VERSION_ANNOTATION} "${minVersion}" is not a version (digits with optional dots, as in 006 or 1.2)`,
    };
  return { ok: true, migration, minVersion };
}
