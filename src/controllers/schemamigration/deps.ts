/**
 * What the SchemaMigration reconciler reads and writes, injected (setup.ts
 * provides the real ones, the unit tests fakes), and what one reconcile
 * carries from step to step.
 */
import type { SchemaMigration, SchemaMigrationStatus } from '../../api/index.js';
import type {
  AllowedHosts,
  checkDrift,
  ConnectionSource,
  DatabaseAccess,
  migrate,
  readLedgerStamp,
} from '../../engine/index.js';
import type { EventRecorder, EventSubject, ReconcileContext } from '../../kube/index.js';
import type { OperatorMetrics } from '../../observability/index.js';
import type { GatedPod } from '../pod-annotations.js';
import type { StatusWriter } from '../status-writer.js';
import type { SchemaMigrationExists } from './claims.js';
import type { ConfigMapReader } from './source.js';
import type { MigrationStatus } from './status.js';

/** Everything the reconciler reads and writes, injected. */
export interface SchemaMigrationDeps {
  /** The informer cache. */
  get(key: string): SchemaMigration | undefined;
  readConfigMap: ConfigMapReader;
  /** The decoded value of a Secret key in a namespace, or undefined when the Secret or key is missing. */
  readSecretKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedDatabaseHosts?: AllowedHosts;
  statusWriter: Pick<StatusWriter<SchemaMigrationStatus>, 'write' | 'writeThrottled'>;
  events: EventRecorder;
  metrics?: OperatorMetrics;
  now?: () => Date;
  /** Whether SchemaMigration `namespace/name` exists (a live read); the cache when absent. */
  schemaMigrationExists?: SchemaMigrationExists;
  /**
   * The live pods naming SchemaMigration `key` (`ns/name`), gated or not,
   * terminating included (the shared pod informer). Absent: no pod is
   * known, and no contract migration is held.
   */
  podsNaming?(key: string): GatedPod[];
  /** Told whether a contract migration of `key` waits for pods, so that their changes wake it. */
  contractWaiting?(key: string, waiting: boolean): void;
  /** How long a run goes on before its Applying status is written (run-step.ts; tests shorten it). */
  applyingShownAfterMs?: number;
  /** The engine, replaceable in tests. */
  migrate?: typeof migrate;
  /** The drift check, replaceable in tests. */
  checkDrift?: typeof checkDrift;
  /** The resync's ledger stamp read, replaceable in tests. */
  readLedgerStamp?: typeof readLedgerStamp;
  /**
   * The pooled sessions of the database `access` names, held by CR `key`
   * (the operator's shared pools, database-pools.ts). Absent: a new
   * connection per run, check and resync.
   */
  sessions?(key: string, access: DatabaseAccess): ConnectionSource;
  /** Lets CR `key`'s database go (deleted): its pools close when no CR holds it. Never rejects. */
  releaseSessions?(key: string): Promise<void>;
  appliedBy: string;
}

/** One reconcile of one SchemaMigration, as its steps share it. */
export interface Attempt {
  ctx: ReconcileContext;
  key: string;
  obj: SchemaMigration;
  /** The status being built, stamped with this reconcile's generation and time. */
  st: MigrationStatus;
}

/** A thrown transient failure: the controller logs it and retries with backoff. */
export class RetryLater extends Error {}

/** What an Event is about: the CR's identity only. */
export function subject(obj: SchemaMigration): EventSubject {
  const { name, namespace, uid, resourceVersion } = obj.metadata ?? {};
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name, namespace, uid, resourceVersion },
  };
}

/** The metric labels of a CR. */
export function labelsOf(obj: SchemaMigration): { namespace: string; name: string } {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '' };
}
