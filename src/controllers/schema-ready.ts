/**
 * Reading a SchemaMigration's readiness from another controller (the
 * Organization controller waits for it, the pod gate for a min-version): the
 * one definition, so every reader agrees with the SchemaMigration
 * controller's status.
 *
 * A plan waiting for approval (spec.approval) leaves the schema as it was:
 * what is applied is still applied. So readers look at the applied version,
 * not only at the last plan's Ready: a SchemaMigration whose plan waits for
 * approval for its current generation, with an applied version, is usable.
 */
import {
  getCondition,
  isConditionTrue,
  MigrationConditions,
  type SchemaMigration,
} from '../api/index.js';

/** The Ready reason of a plan that waits for approval. */
const AWAITING_APPROVAL = 'AwaitingApproval';

/**
 * Ready=False with reason AwaitingApproval for the current generation
 * (condition and status.observedGeneration), with status.appliedVersion set.
 */
export function awaitingApprovalWithSchema(smig: SchemaMigration): boolean {
  const gen = smig.metadata.generation ?? 0;
  const ready = getCondition(smig.status?.conditions, MigrationConditions.Ready);
  return (
    ready?.status === 'False' &&
    ready.reason === AWAITING_APPROVAL &&
    ready.observedGeneration === gen &&
    smig.status?.observedGeneration === gen &&
    !!smig.status.appliedVersion
  );
}

/**
 * Ready=True for the SchemaMigration's current generation, or a plan that
 * waits for approval over an applied schema (awaitingApprovalWithSchema).
 */
export function schemaReady(smig: SchemaMigration): boolean {
  return (
    isConditionTrue(
      smig.status?.conditions,
      MigrationConditions.Ready,
      smig.metadata.generation ?? 0,
    ) || awaitingApprovalWithSchema(smig)
  );
}
