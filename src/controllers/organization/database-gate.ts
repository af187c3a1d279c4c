/**
 * The database gate of an Organization: its row is written only to the
 * database of a SchemaMigration that exists, is Ready for its current
 * generation, allows Organizations, and whose Secret names a database this
 * install may connect to. Shared by the reconciler and the finalizer.
 */
import type { Organization, SchemaMigrationRef } from '../../api/index.js';
import type { Result } from '../../kube/index.js';
import { isDatabaseRefusal, readDatabaseAccess, SECRET_RECHECK_MS } from '../database-secret.js';
import { schemaReady } from '../schema-ready.js';
import type { OrganizationDeps } from './deps.js';
import type { OrgDatabase } from './sql.js';

/** The database an org is written to, once its schema is Ready. */
export type DatabaseGate =
  | { ready: true; db: OrgDatabase }
  | {
      ready: false;
      reason: string;
      message: string;
      result: Result;
      /** True when no SchemaMigration is named or the named one does not exist. */
      gone: boolean;
      /** True when the SchemaMigration refuses Organizations: nothing may be written there. */
      refused?: boolean;
    };

/** The org's database, if its SchemaMigration is Ready for its current generation. */
export async function databaseGate(
  deps: OrganizationDeps,
  org: Organization,
): Promise<DatabaseGate> {
  const ref: SchemaMigrationRef | undefined = org.spec.databaseRef ?? deps.defaultDatabaseRef;
  if (!ref)
    return {
      ready: false,
      reason: 'NoDatabaseRef',
      message: 'spec.databaseRef is not set and the operator has no --default-database-ref',
      result: {},
      gone: true,
    };
  const smigKey = `${ref.namespace}/${ref.name}`;
  const smig = deps.getSchemaMigration(smigKey);
  if (!smig || !schemaReady(smig))
    return {
      ready: false,
      reason: 'SchemaNotReady',
      message: `SchemaMigration ${smigKey} ${smig ? 'is not Ready' : 'does not exist'}`,
      // No requeue: the SchemaMigration watch wakes this org when that changes.
      result: {},
      gone: !smig,
    };
  if (smig.spec.allowOrganizations !== true)
    return {
      ready: false,
      reason: 'OrganizationsNotAllowed',
      message: `SchemaMigration ${smigKey} does not allow Organizations (its spec.allowOrganizations is not true); nothing is written to its database`,
      // The SchemaMigration watch wakes this org when its spec changes.
      result: {},
      gone: false,
      refused: true,
    };
  const secret = smig.spec.database.urlSecretRef;
  const secretKey = secret.key ?? 'url';
  try {
    const access = await readDatabaseAccess(
      deps.readSecretKey,
      { namespace: ref.namespace, name: secret.name, key: secretKey },
      deps.allowedDatabaseHosts,
    );
    if (!access)
      return {
        ready: false,
        reason: 'SecretNotFound',
        message: `Secret ${ref.namespace}/${secret.name} (key "${secretKey}") of SchemaMigration ${smigKey} does not exist`,
        result: { requeueAfterMs: SECRET_RECHECK_MS },
        gone: false,
      };
    return { ready: true, db: deps.database(org.metadata.name!, access) };
  } catch (err) {
    if (!isDatabaseRefusal(err)) throw err;
    // The same refusal as the SchemaMigration's: nothing is connected to.
    return {
      ready: false,
      reason: err.reason,
      message: `the database of SchemaMigration ${smigKey} is refused: ${err.message}`,
      result: { requeueAfterMs: SECRET_RECHECK_MS },
      gone: false,
    };
  }
}
