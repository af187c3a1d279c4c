/**
 * Reading a SchemaMigration's readiness from another controller (the
 * Organization controller waits for it): the one definition, so every
 * reader agrees with the SchemaMigration controller's status.
 */
import { isConditionTrue, MigrationConditions, type SchemaMigration } from '../api/index.js';

/** Ready=True for the SchemaMigration's current generation. */
export function schemaReady(smig: SchemaMigration): boolean {
  return isConditionTrue(
    smig.status?.conditions,
    MigrationConditions.Ready,
    smig.metadata.generation ?? 0,
  );
}
