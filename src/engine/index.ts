/** The migration engine's public API. It knows nothing of Kubernetes. */
export { checksum, normalizeSql } from './checksum.js';
export { parseDuration, DURATION_PATTERN } from './duration.js';
export * from './errors.js';
export { inspect, type InspectOptions, type Inspection } from './inspect.js';
export { DEFAULT_LEDGER, repairsTable, type LedgerRow, type LedgerTable } from './ledger.js';
export { repair, type RepairOutcome, type RepairRequest } from './repair.js';
export { type RepairRecord } from './repairs.js';
export { statementsChecksum, STATEMENTS_CHECKSUM_FORM } from './statements-checksum.js';
export {
  migrate,
  type AppliedMigration,
  type MigrateObserver,
  type MigrateResult,
} from './migrate.js';
export { DEFAULTS, type ApprovalDatabase, type RunOptions } from './options.js';
export { assertSafe, plan, type HoldContract, type Plan, type PlanOptions } from './plan.js';
export {
  parseMigration,
  parseMigrations,
  readMigrationDir,
  validateMigrations,
  type Migration,
  type ParseOptions,
  type RawFile,
} from './source.js';
export { compareVersions, isVersion, versionKey } from './version.js';
export {
  checkDatabase,
  redactUrl,
  type ConnectOptions,
  type DatabaseAccess,
} from './connection.js';
export { DatabaseHostNotAllowedError, InvalidDatabaseUrlError } from './database-errors.js';
export { isHostAllowed, parseAllowedHosts, type AllowedHosts } from './database-hosts.js';
export { parseDatabaseUrl, type DatabaseTarget, type SslMode } from './database-url.js';
export {
  clientConfig,
  IsolatedClient,
  TLS_KEYS,
  type ClientSettings,
  type TlsMaterial,
} from './pg-config.js';
export { ownerTable, readOwner, type LedgerClaim } from './owner.js';
export { abortedError } from './abort.js';
export { BUNDLED_SETS, bundledDir, type BundledSet } from './bundled.js';
export { waitForVersion, type WaitOptions } from './wait.js';
export {
  lintMigrations,
  lintMigrationsAgainst,
  LINT_RULES,
  type LintFinding,
  type LintOptions,
  type LintRule,
} from './lint.js';
export { ensureDatabase } from './admin.js';
export { hashOf, planHash, type PlanHashInput } from './plan-hash.js';
export { tableSizes, type TableSize } from './table-size.js';
export { checkDrift, type DriftReport } from './drift-check.js';
export { diffFingerprints, driftMessage, type DriftItem } from './drift.js';
export { type Fingerprint } from './fingerprint.js';
export { fingerprintTable } from './ledger.js';
export {
  NEW_CONNECTION_PER_RUN,
  withSession,
  type ConnectionSource,
  type ReleaseOptions,
} from './connection-source.js';
export {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  SessionPool,
  SessionPools,
  sessionKey,
  type SessionPoolOptions,
} from './session-pool.js';
export { DEFAULT_MAX_IDLE_SESSIONS, IdleBudget } from './idle-budget.js';
export { ledgerStamp } from './ledger-stamp.js';
export { readLedgerStamp } from './resync.js';
