// Generated from crds/ by src/api/codegen.ts: do not edit. Run `npm run gen:api`.
import type { ObjectMeta } from './meta.js';

/**
 * SchemaMigration keeps one PostgreSQL schema at the version its source says: every
 * migration not yet applied is applied in order, once, under a lock, and recorded in a
 * ledger table; the result is written to status as conditions. Setting the annotation
 * schema.streamspace.io/retry to any new value asks for one more attempt of a failed
 * (Stalled) migration. `kubectl wait --for=condition=Ready smig/NAME` waits until the
 * schema is applied.
 */
export interface SchemaMigration {
  apiVersion: 'schema.streamspace.io/v1alpha1';
  kind: 'SchemaMigration';
  metadata: ObjectMeta;
  /**
   * The database to migrate, where the migrations come from, and how to apply them.
   */
  spec: SchemaMigrationSpec;
  /**
   * What the operator observed and did, written through the status subresource.
   */
  status?: SchemaMigrationStatus;
}

/**
 * The database to migrate, where the migrations come from, and how to apply them.
 */
export interface SchemaMigrationSpec {
  /**
   * The database to migrate. The connection URL is read from a Secret; it never appears in
   * the CR.
   */
  database: MigrationDatabase;
  /**
   * Where the migrations come from: exactly one of configMaps, inline or bundled. The set of
   * migrations is whatever the source holds; nothing is registered by hand.
   *
   * Validation: rule `(has(self.configMaps) ? 1 : 0) + (has(self.inline) ? 1 : 0) +
   * (has(self.bundled) ? 1 : 0) == 1`: exactly one of configMaps, inline or bundled must be
   * set.
   */
  source: MigrationSource;
  /**
   * Apply nothing past this version. Unset, every migration in the source is applied.
   *
   * Validation: pattern `^\d+(\.\d+)*$`; length 1..64.
   */
  targetVersion?: string;
  /**
   * The ledger table that records applied migrations. Immutable: pointing an existing
   * SchemaMigration at another ledger would re-run every migration.
   *
   * Default: `{}`.
   * Validation: rule `self == oldSelf`: historyTable is immutable; create a new
   * SchemaMigration to use another ledger table.
   */
  historyTable?: HistoryTable;
  /**
   * How migrations are applied, and what the operator may decide on its own.
   *
   * Default: `{}`.
   * Validation: rule `!(has(self.baseline) && has(self.adoptExisting) &&
   * self.adoptExisting)`: baseline and adoptExisting exclude each other.
   */
  policy?: MigrationPolicy;
  /**
   * Stop applying migrations; status is still reported. In-flight work finishes.
   *
   * Default: `false`.
   */
  suspend?: boolean;
  /**
   * Let Organizations name this SchemaMigration in spec.databaseRef and write their rows in
   * its database's organizations table. Off by default: an Organization cannot write a
   * database whose SchemaMigration does not say so.
   *
   * Default: `false`.
   */
  allowOrganizations?: boolean;
}

/**
 * The database to migrate. The connection URL is read from a Secret; it never appears in
 * the CR.
 */
export interface MigrationDatabase {
  /**
   * A key of a Secret in the SchemaMigration's namespace that holds a PostgreSQL connection
   * URL (postgres://user:password@host:5432/db?sslmode=require). Only the parameters sslmode
   * (disable, require, verify-ca, verify-full) and connect_timeout are accepted, and the
   * host must be a host name or IP address (no unix socket). TLS material is read from the
   * keys ca.crt, tls.crt and tls.key of the same Secret, never from files.
   */
  urlSecretRef: SecretKeyRef;
}

/**
 * A key of a Secret in the SchemaMigration's namespace that holds a PostgreSQL connection
 * URL (postgres://user:password@host:5432/db?sslmode=require). Only the parameters sslmode
 * (disable, require, verify-ca, verify-full) and connect_timeout are accepted, and the
 * host must be a host name or IP address (no unix socket). TLS material is read from the
 * keys ca.crt, tls.crt and tls.key of the same Secret, never from files.
 */
export interface SecretKeyRef {
  /**
   * Name of the Secret (a DNS-1123 subdomain).
   *
   * Validation: pattern `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
   * length 1..253.
   */
  name: string;
  /**
   * Key within the Secret whose value is the connection URL.
   *
   * Default: `"url"`.
   * Validation: pattern `^[-._a-zA-Z0-9]+$`; length 1..253.
   */
  key?: string;
}

/**
 * Where the migrations come from: exactly one of configMaps, inline or bundled. The set of
 * migrations is whatever the source holds; nothing is registered by hand.
 *
 * Validation: rule `(has(self.configMaps) ? 1 : 0) + (has(self.inline) ? 1 : 0) +
 * (has(self.bundled) ? 1 : 0) == 1`: exactly one of configMaps, inline or bundled must be
 * set.
 */
export interface MigrationSource {
  /**
   * ConfigMaps in the SchemaMigration's namespace whose keys are migration file names
   * (<version>_<name>.sql) and whose values are the SQL. Several ConfigMaps may be listed to
   * pass the 1 MiB size limit of one; their files are merged.
   *
   * Validation: items 1..64; unique by name.
   */
  configMaps?: ConfigMapRef[];
  /**
   * Migrations written in the CR itself, for small sets and tests. Versions are unique.
   *
   * Validation: items 1..500; unique by version.
   */
  inline?: InlineMigration[];
  /**
   * A migration set shipped in the operator's image (its migrations/ directory).
   */
  bundled?: 'streamspace';
}

/**
 * A ConfigMap that holds migration files.
 */
export interface ConfigMapRef {
  /**
   * Name of the ConfigMap (a DNS-1123 subdomain).
   *
   * Validation: pattern `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
   * length 1..253.
   */
  name: string;
}

/**
 * One migration, as if read from the file <version>_<name>.sql.
 */
export interface InlineMigration {
  /**
   * Version of the migration; digits with optional dots, compared as numeric tuples (1.10
   * comes after 1.9).
   *
   * Validation: pattern `^\d+(\.\d+)*$`; length 1..64.
   */
  version: string;
  /**
   * Name of the migration, as in the file name after the version and underscore.
   *
   * Validation: pattern `^[A-Za-z0-9][A-Za-z0-9_.-]*$`; length 1..200.
   */
  name: string;
  /**
   * The SQL of the migration; may hold several statements.
   *
   * Validation: length 1..1048576.
   */
  sql: string;
  /**
   * Run the migration in one transaction together with its ledger row. false runs it one
   * statement at a time (for CREATE INDEX CONCURRENTLY and the like), resumable after a
   * failure.
   *
   * Default: `true`.
   */
  transactional?: boolean;
}

/**
 * The ledger table that records applied migrations. Immutable: pointing an existing
 * SchemaMigration at another ledger would re-run every migration.
 *
 * Default: `{}`.
 * Validation: rule `self == oldSelf`: historyTable is immutable; create a new
 * SchemaMigration to use another ledger table.
 */
export interface HistoryTable {
  /**
   * PostgreSQL schema of the ledger table (an unquoted identifier).
   *
   * Default: `"public"`.
   * Validation: pattern `^[A-Za-z_][A-Za-z0-9_$]*$`; length 1..63.
   */
  schema?: string;
  /**
   * Name of the ledger table (an unquoted identifier).
   *
   * Default: `"schema_operator_history"`.
   * Validation: pattern `^[A-Za-z_][A-Za-z0-9_$]*$`; length 1..63.
   */
  name?: string;
}

/**
 * How migrations are applied, and what the operator may decide on its own.
 *
 * Default: `{}`.
 * Validation: rule `!(has(self.baseline) && has(self.adoptExisting) &&
 * self.adoptExisting)`: baseline and adoptExisting exclude each other.
 */
export interface MigrationPolicy {
  /**
   * PostgreSQL lock_timeout for each migration (500ms, 5s, 1m, 1h30m): above 0 and at most
   * 24h.
   *
   * Default: `"5s"`.
   * Validation: pattern `^([0-9]+(ms|s|m|h))+$`; length <= 32; rule
   * `!self.matches('^([0-9]+(ms|s|m|h))+$') || (duration(self) > duration('0s') &&
   * duration(self) <= duration('24h'))`: lockTimeout must be above 0 and at most 24h (0
   * would mean no timeout at all).
   */
  lockTimeout?: string;
  /**
   * PostgreSQL statement_timeout for each statement (500ms, 5s, 30m, 1h30m): above 0 and at
   * most 24h. The operator's reconcile deadline (run --reconcile-timeout) bounds a whole run
   * as well.
   *
   * Default: `"30m"`.
   * Validation: pattern `^([0-9]+(ms|s|m|h))+$`; length <= 32; rule
   * `!self.matches('^([0-9]+(ms|s|m|h))+$') || (duration(self) > duration('0s') &&
   * duration(self) <= duration('24h'))`: statementTimeout must be above 0 and at most 24h (0
   * would mean no timeout at all).
   */
  statementTimeout?: string;
  /**
   * Apply pending migrations whose version is below the highest applied one. false stops the
   * run with reason OutOfOrder instead.
   *
   * Default: `false`.
   */
  outOfOrder?: boolean;
  /**
   * Attempts after the first for transient errors (lock timeout, deadlock, serialization
   * failure, lost connection), with capped exponential backoff. Other errors are never
   * retried by themselves.
   *
   * Default: `10`.
   * Validation: value 0..100.
   */
  maxRetries?: number;
  /**
   * For a database that has a schema but no ledger: record this version as applied;
   * migrations at or below it never run. Excludes adoptExisting.
   */
  baseline?: Baseline;
  /**
   * For a database that has a schema but no ledger: run every migration over it (for sets
   * written to be re-runnable). Excludes baseline.
   *
   * Default: `false`.
   */
  adoptExisting?: boolean;
}

/**
 * For a database that has a schema but no ledger: record this version as applied;
 * migrations at or below it never run. Excludes adoptExisting.
 */
export interface Baseline {
  /**
   * The version the existing schema corresponds to.
   *
   * Validation: pattern `^\d+(\.\d+)*$`; length 1..64.
   */
  version: string;
}

/**
 * What the operator observed and did, written through the status subresource.
 */
export interface SchemaMigrationStatus {
  /**
   * The metadata.generation this status describes.
   *
   * Validation: value >= 0.
   */
  observedGeneration?: number;
  /**
   * A one-word summary for printing; decisions use conditions.
   */
  phase?: MigrationPhase;
  /**
   * The highest version recorded in the ledger.
   *
   * Validation: length <= 64.
   */
  appliedVersion?: string;
  /**
   * The version the operator is applying up to (spec.targetVersion or the highest in the
   * source).
   *
   * Validation: length <= 64.
   */
  targetVersion?: string;
  /**
   * Migrations by state, from the last plan.
   */
  counts?: MigrationCounts;
  /**
   * The first few pending versions, in the order they will be applied.
   *
   * Validation: items <= 20.
   */
  pendingVersions?: string[];
  /**
   * The migration applied most recently.
   */
  lastApplied?: LastApplied;
  /**
   * The failure that stopped the last run; absent once a run succeeds.
   */
  failure?: MigrationFailure;
  /**
   * Applied, Failed, Ready (Applied=True for this generation), Reconciling and Stalled
   * (failed and will not retry by itself).
   *
   * Validation: items <= 16; unique by type.
   */
  conditions?: Condition[];
}

/**
 * A one-word summary for printing; decisions use conditions.
 */
export type MigrationPhase = 'Pending' | 'Applying' | 'Applied' | 'Failed';

/**
 * Migrations by state, from the last plan.
 */
export interface MigrationCounts {
  /**
   * In the source and in the ledger with the same checksum.
   *
   * Validation: value >= 0.
   */
  applied: number;
  /**
   * In the source, not in the ledger, up to the target version.
   *
   * Validation: value >= 0.
   */
  pending: number;
  /**
   * In the ledger with a checksum that differs from the source's.
   *
   * Validation: value >= 0.
   */
  changed: number;
  /**
   * In the ledger, no longer in the source (reported, not fatal).
   *
   * Validation: value >= 0.
   */
  missing: number;
}

/**
 * The migration applied most recently.
 */
export interface LastApplied {
  /**
   * Its version.
   *
   * Validation: length <= 64.
   */
  version: string;
  /**
   * Its name.
   *
   * Validation: length <= 200.
   */
  name: string;
  /**
   * Its checksum as recorded in the ledger (sha256:<hex>).
   *
   * Validation: length <= 128.
   */
  checksum: string;
  /**
   * When it finished.
   */
  appliedAt: string;
  /**
   * How long it ran, in milliseconds.
   *
   * Validation: value >= 0.
   */
  durationMs?: number;
}

/**
 * The failure that stopped the last run; absent once a run succeeds.
 */
export interface MigrationFailure {
  /**
   * Version of the migration that failed, when one did.
   *
   * Validation: length <= 64.
   */
  version?: string;
  /**
   * Name of the migration that failed, when one did.
   *
   * Validation: length <= 200.
   */
  name?: string;
  /**
   * Why, as in the Failed condition: SQLError, ChecksumMismatch, OutOfOrder,
   * ConnectionError, LockTimeout, LockBusy, InvalidSource, SecretNotFound, Conflict,
   * InvalidDatabaseURL, DatabaseHostNotAllowed, DeadlineExceeded.
   *
   * Validation: pattern `^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`; length <= 1024.
   */
  reason: string;
  /**
   * The PostgreSQL SQLSTATE of the error, when the server sent one.
   *
   * Validation: pattern `^[0-9A-Z]{5}$`; length <= 5.
   */
  sqlState?: string;
  /**
   * The error message, naming the file and what was being done.
   *
   * Validation: length <= 32768.
   */
  message: string;
  /**
   * The statement that failed (truncated).
   *
   * Validation: length <= 4096.
   */
  statement?: string;
  /**
   * Line in the migration file where the failed statement starts.
   *
   * Validation: value >= 1.
   */
  line?: number;
  /**
   * Attempts made so far.
   *
   * Validation: value >= 0.
   */
  attempts?: number;
  /**
   * When this failure was first seen.
   */
  since: string;
}

/**
 * One aspect of the object's state (metav1.Condition).
 */
export interface Condition {
  /**
   * Type of the condition, in CamelCase.
   *
   * Validation: pattern
   * `^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$`;
   * length <= 316.
   */
  type: string;
  /**
   * True, False or Unknown.
   */
  status: ConditionStatus;
  /**
   * The metadata.generation the condition was set for.
   *
   * Validation: value >= 0.
   */
  observedGeneration?: number;
  /**
   * When the status last changed.
   */
  lastTransitionTime: string;
  /**
   * A CamelCase reason for the last transition, for programs.
   *
   * Validation: pattern `^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`; length 1..1024.
   */
  reason: string;
  /**
   * A human-readable message about the transition; may be empty.
   *
   * Validation: length <= 32768.
   */
  message: string;
}

/**
 * True, False or Unknown.
 */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A list of SchemaMigration objects, as a list call returns them. */
export interface SchemaMigrationList {
  apiVersion: 'schema.streamspace.io/v1alpha1';
  kind: 'SchemaMigrationList';
  metadata: { resourceVersion?: string; continue?: string };
  items: SchemaMigration[];
}

/**
 * Organization is one tenant of the platform. metadata.name is the organization id (a
 * DNS-1123 label, immutable like every name). The operator writes its row in the
 * organizations table once the referenced SchemaMigration is Ready, and ensures its
 * namespace. Deleting it with deletionPolicy Retain (the default) marks the row deleted
 * and keeps the namespace.
 *
 * Validation: rule `size(self.metadata.name) <= 63 &&
 * self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')`: metadata.name (the
 * organization id) must be a DNS-1123 label of at most 63 characters.
 */
export interface Organization {
  apiVersion: 'schema.streamspace.io/v1alpha1';
  kind: 'Organization';
  metadata: ObjectMeta;
  /**
   * The organization as its owners declare it.
   *
   * Validation: rule `!has(oldSelf.__namespace__) || (has(self.__namespace__) &&
   * self.__namespace__ == oldSelf.__namespace__)`: spec.namespace is immutable once set.
   */
  spec: OrganizationSpec;
  /**
   * What the operator observed and did, written through the status subresource.
   */
  status?: OrganizationStatus;
}

/**
 * The organization as its owners declare it.
 *
 * Validation: rule `!has(oldSelf.__namespace__) || (has(self.__namespace__) &&
 * self.__namespace__ == oldSelf.__namespace__)`: spec.namespace is immutable once set.
 */
export interface OrganizationSpec {
  /**
   * Name shown to people.
   *
   * Validation: length 1..200.
   */
  displayName: string;
  /**
   * Free text about the organization.
   *
   * Validation: length <= 2000.
   */
  description?: string;
  /**
   * Namespace the organization's workloads run in (k8s_namespace). The shared namespace
   * streamspace (the default) is ensured but never owned or deleted. Reserved names (kube-*,
   * default) are refused. Immutable once set.
   *
   * Default: `"streamspace"`.
   * Validation: pattern `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`; length 1..63; rule
   * `!self.startsWith('kube-') && self != 'default' && self != 'schema-operator-system'`:
   * namespace must not be a reserved namespace (kube-*, default, schema-operator-system).
   */
  namespace?: string;
  /**
   * Suspend the organization; its row and namespace are marked, nothing is deleted.
   *
   * Default: `false`.
   */
  suspended?: boolean;
  /**
   * What deleting the Organization does. Retain marks the row deleted and keeps the
   * namespace. Delete also deletes the namespace if this organization created it, and the
   * row last, never while other rows reference it.
   *
   * Default: `"Retain"`.
   */
  deletionPolicy?: DeletionPolicy;
  /**
   * Use a namespace that exists and belongs to no organization. An adopted namespace is
   * never deleted.
   *
   * Default: `false`.
   */
  adoptNamespace?: boolean;
  /**
   * The SchemaMigration of the database that holds the organizations table. The row is
   * written only once it is Ready. Unset, the operator's default is used.
   */
  databaseRef?: SchemaMigrationRef;
}

/**
 * What deleting the Organization does. Retain marks the row deleted and keeps the
 * namespace. Delete also deletes the namespace if this organization created it, and the
 * row last, never while other rows reference it.
 */
export type DeletionPolicy = 'Retain' | 'Delete';

/**
 * The SchemaMigration of the database that holds the organizations table. The row is
 * written only once it is Ready. Unset, the operator's default is used.
 */
export interface SchemaMigrationRef {
  /**
   * Namespace of the SchemaMigration.
   *
   * Validation: pattern `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`; length 1..63.
   */
  namespace: string;
  /**
   * Name of the SchemaMigration.
   *
   * Validation: pattern `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
   * length 1..253.
   */
  name: string;
}

/**
 * What the operator observed and did, written through the status subresource.
 */
export interface OrganizationStatus {
  /**
   * The metadata.generation this status describes.
   *
   * Validation: value >= 0.
   */
  observedGeneration?: number;
  /**
   * A one-word summary for printing; decisions use conditions.
   */
  phase?: OrganizationPhase;
  /**
   * The namespace the operator ensured for the organization.
   *
   * Validation: length <= 63.
   */
  namespace?: string;
  /**
   * Ready, NamespaceReady, DatabaseSynced (the row is written) and Suspended.
   *
   * Validation: items <= 16; unique by type.
   */
  conditions?: Condition[];
}

/**
 * A one-word summary for printing; decisions use conditions.
 */
export type OrganizationPhase = 'Active' | 'Suspended' | 'Conflict' | 'Terminating' | 'Pending';

/** A list of Organization objects, as a list call returns them. */
export interface OrganizationList {
  apiVersion: 'schema.streamspace.io/v1alpha1';
  kind: 'OrganizationList';
  metadata: { resourceVersion?: string; continue?: string };
  items: Organization[];
}
