/**
 * What the Organization reconciler reads and writes, injected: the informer
 * caches, the few API writes it makes, the database handles and the clock.
 * setup.ts provides the real ones; the unit tests provide fakes.
 */
import type { AllowedHosts, DatabaseAccess } from '../../engine/index.js';
import type {
  Organization,
  OrganizationStatus,
  SchemaMigration,
  SchemaMigrationRef,
} from '../../api/index.js';
import type { EventRecorder, KubeObject } from '../../kube/index.js';
import type { ClassChoice } from '../class-of.js';
import type { NamespacePolicy } from './namespace-policy.js';
import type { PolicyWriter } from './policy-writer.js';
import type { OrgDatabase } from './sql.js';

/** The finalizer that keeps an Organization until its row and namespace are dealt with. */
export const ORG_FINALIZER = 'schema.streamspace.io/organization';

/** The organization that can never be deleted (migration 006 creates it). */
export const DEFAULT_ORG_ID = 'default-org';

/** Namespace writes (cluster-scoped objects, so names only). */
export interface NamespaceWriter {
  create(obj: KubeObject): Promise<KubeObject>;
  /** Merge patch; a resourceVersion in it makes a concurrent change a ConflictError. */
  patch(name: string, patch: Record<string, unknown>): Promise<KubeObject>;
  /** Deletes; an absent namespace is not an error. */
  delete(name: string): Promise<void>;
}

/** What the policy step reads and writes (OrganizationClass). */
export interface PolicyDeps {
  /** The class `org` uses, or why none (class-of.ts over the class cache). */
  classOf(org: Organization): ClassChoice;
  /** The operator's objects (managed-by label) in a namespace, from the caches. */
  objectsIn(namespace: string): KubeObject[];
  writer: PolicyWriter;
  /** `run --bindable-cluster-roles`. */
  bindableClusterRoles: readonly string[];
}

/** Everything the reconciler needs. */
export interface OrganizationDeps {
  /** Organizations from the informer cache, by name. */
  getOrganization(name: string): Organization | undefined;
  /** SchemaMigrations from the informer cache, by `namespace/name`. */
  getSchemaMigration(key: string): SchemaMigration | undefined;
  /** Namespaces from the informer cache, by name. */
  getNamespace(name: string): KubeObject | undefined;
  namespaces: NamespaceWriter;
  /** Adds the finalizer (no call when present); returns the object as stored. */
  addFinalizer(org: Organization): Promise<Organization>;
  /** Removes the finalizer (no call when absent; an object already gone is fine). */
  removeFinalizer(org: Organization): Promise<void>;
  /** The decoded value of a Secret key, or undefined when the Secret or key is missing. */
  readSecretKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  /** The database `access` names, for the org `holder` (shared per URL and TLS material). */
  database(holder: string, access: DatabaseAccess): OrgDatabase;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedDatabaseHosts?: AllowedHosts;
  /** Lets the org `holder` go of its database handle. */
  releaseDatabase(holder: string): Promise<void>;
  /** Writes status through the status subresource when it differs from what is stored. */
  writeStatus(org: Organization, status: OrganizationStatus): Promise<void>;
  events: EventRecorder;
  /** The SchemaMigration for orgs without spec.databaseRef (`run --default-database-ref`). */
  defaultDatabaseRef?: SchemaMigrationRef;
  /** The operator's own namespace: reserved. */
  operatorNamespace?: string;
  /** The install's limits on organization namespaces (reserved names, a pattern). */
  namespacePolicy?: Pick<NamespacePolicy, 'reserved' | 'pattern'>;
  /** OrganizationClass policy; absent, no class is ever applied. */
  policy?: PolicyDeps;
  now?: () => Date;
}
