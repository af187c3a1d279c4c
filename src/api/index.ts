/**
 * The API of the custom resources: names shared across the project, the
 * generated TypeScript types, condition helpers and the CRD loader.
 */

/** The API group of every kind. */
export const GROUP = 'schema.streamspace.io';
/** The served and stored version. */
export const VERSION = 'v1alpha1';
/** `apiVersion` of every kind. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;

/** Kind, plural and short name of SchemaMigration (namespaced). */
export const SCHEMA_MIGRATION = {
  kind: 'SchemaMigration',
  plural: 'schemamigrations',
  shortName: 'smig',
  namespaced: true,
} as const;

/** Kind, plural and short name of Organization (cluster-scoped). */
export const ORGANIZATION = {
  kind: 'Organization',
  plural: 'organizations',
  shortName: 'org',
  namespaced: false,
} as const;

/** Kind, plural and short name of OrganizationClass (cluster-scoped). */
export const ORGANIZATION_CLASS = {
  kind: 'OrganizationClass',
  plural: 'organizationclasses',
  shortName: 'orgclass',
  namespaced: false,
} as const;

/** Annotation `"true"` on the OrganizationClass used by Organizations without spec.className. */
export const DEFAULT_CLASS_ANNOTATION = `${GROUP}/is-default-class`;

/** Annotation on a SchemaMigration: any new value asks for one more attempt of a stalled migration. */
export const RETRY_ANNOTATION = `${GROUP}/retry`;
/** On a SchemaMigration: approves the waiting plan whose status.plan.hash it carries (spec.approval). */
export const APPROVE_ANNOTATION = `${GROUP}/approve`;
/**
 * On a SchemaMigration: `V:<checksum>[,V:<checksum>...]` records the edit of
 * applied file V as intended, if the file has that checksum now (the repair
 * of docs/runbook.md). Needs REPAIR_REASON_ANNOTATION.
 */
export const REPAIR_ANNOTATION = `${GROUP}/repair`;
/** On a SchemaMigration: why the files named by REPAIR_ANNOTATION were edited (required). */
export const REPAIR_REASON_ANNOTATION = `${GROUP}/repair-reason`;
/** Label on a gated pod (`"true"`), so the pod-gate controller can watch only those. */
export const GATED_LABEL = `${GROUP}/gated`;
/** Scheduling gate name held on an API pod until its schema is applied. */
export const READY_GATE = `${GROUP}/ready`;
/** Annotation on a gated pod: the SchemaMigration (same namespace) it waits for. */
export const MIGRATION_ANNOTATION = `${GROUP}/migration`;
/** Annotation on a gated pod: the lowest schema version it needs (optional). */
export const MIN_VERSION_ANNOTATION = `${GROUP}/min-version`;

/** Condition types of a SchemaMigration (DESIGN section 4). */
export const MigrationConditions = {
  Applied: 'Applied',
  Failed: 'Failed',
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  /** True while a contract migration waits for pods that need the schema before it (DESIGN 4a). */
  ContractPending: 'ContractPending',
  /** True while the live schema differs from the fingerprint recorded after the last run; never changes Ready. */
  Drifted: 'Drifted',
} as const;

/** Condition types of an Organization (DESIGN section 5). */
export const OrganizationConditions = {
  Ready: 'Ready',
  NamespaceReady: 'NamespaceReady',
  DatabaseSynced: 'DatabaseSynced',
  Suspended: 'Suspended',
  PolicyApplied: 'PolicyApplied',
} as const;

/** Condition types of an OrganizationClass. */
export const OrganizationClassConditions = {
  Ready: 'Ready',
  AmbiguousDefault: 'AmbiguousDefault',
} as const;

export * from './generated.js';
export type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from './meta.js';
export { getCondition, isConditionTrue, setCondition, type ConditionUpdate } from './conditions.js';
export { CRD_FILES, crdDir, loadCrds, packageRoot } from './crds.js';
export type { Crd, CrdVersion, PrinterColumn, SchemaNode, ValidationRule } from './schema.js';
