/**
 * Wires the SchemaMigration controller: an informer for SchemaMigrations,
 * metadata-only watches of ConfigMaps and Secrets that wake the CRs naming a
 * changed one (watches.ts; their contents are read with a GET at reconcile
 * time, never cached), status through the status subresource,
 * Events, metrics. Updates wake a CR only when its spec (generation),
 * annotations or deletion changed, so the controller's own status writes do
 * not loop. A spec change or a deletion also cancels the CR's running
 * reconcile (its statement is cancelled on the server); one namespace runs at
 * most `maxPerNamespace` reconciles at once. Pods naming a CR whose contract
 * migration waits wake it (contract-watches.ts).
 */
import {
  MigrationConditions,
  getCondition,
  type SchemaMigration,
  type SchemaMigrationStatus,
} from '../../api/index.js';
import {
  Controller,
  ForbiddenError,
  Informer,
  namespaceOf,
  objectKey,
  parseKey,
  type EventRecorder,
  type KubeClient,
  type KubeObject,
  type Manager,
} from '../../kube/index.js';
import type { AllowedHosts } from '../../engine/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import { holderKey, type DatabasePools } from '../database-pools.js';
import { annotationsChanged, anyOf, deletionChanged, generationChanged } from '../event-filters.js';
import { schemaMigrations, secrets as secretsRef } from '../resources.js';
import { secretKeyReader } from '../secret-reader.js';
import { statusWriter } from '../status-writer.js';
import type { GatedPod } from '../pod-annotations.js';
import { watchContractPods } from './contract-watches.js';
import { schemaMigrationReconciler } from './reconciler.js';
import { configMapReader, referenceIndexers, watchReferences } from './watches.js';

/** What the controller needs from the process. */
export interface SchemaMigrationSetup {
  client: KubeClient;
  manager: Manager;
  events: EventRecorder;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** Watch only this namespace (default: all). */
  namespace?: string;
  /** Label selector for sharding (`run --selector`). */
  labelSelector?: string;
  workers?: number;
  /** Each reconcile's deadline (default 1 h). */
  reconcileTimeoutMs?: number;
  /** Reconciles of one namespace running at once, at most (default 1). */
  maxPerNamespace?: number;
  appliedBy: string;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedDatabaseHosts?: AllowedHosts;
  /**
   * The shared pod informer (pod-informer.ts, registered by the caller):
   * contract migrations wait for the pods it sees. Without it none waits.
   */
  pods?: Informer<GatedPod>;
  /**
   * The operator's database pools, shared with the Organization controller:
   * runs, drift checks and resyncs take a pooled session (a CR holds its
   * database under its own key). Absent: a new connection each time.
   */
  databases?: DatabasePools;
}

/** The default of `run --reconcile-timeout`. */
export const DEFAULT_RECONCILE_TIMEOUT_MS = 3_600_000;

/** A change that makes a running reconcile obsolete: a new spec, or a deletion. */
const respecified = anyOf(generationChanged, deletionChanged);

/** A change worth a reconcile: the above, or an annotation (the retry annotation among them). */
const worthAReconcile = anyOf(respecified, annotationsChanged);

/** Registers the informers and the controller on the manager; returns the SchemaMigration informer. */
export function setupSchemaMigrations(s: SchemaMigrationSetup): Informer<SchemaMigration> {
  const smigClient = s.client.resource<SchemaMigration>(schemaMigrations);
  const smigs = new Informer<SchemaMigration>({
    client: smigClient,
    namespace: s.namespace,
    labelSelector: s.labelSelector,
    logger: s.logger,
    metrics: s.metrics,
    indexers: referenceIndexers,
  });
  const secrets = s.client.resource<KubeObject & { data?: Record<string, string> }>(secretsRef);

  const statuses = statusWriter<SchemaMigrationStatus>({
    patch: (key, body) => smigClient.patchStatus(key, body),
  });

  // Pod events arrive once the manager runs, when the controller below exists.
  const contract =
    s.pods && watchContractPods({ pods: s.pods, wake: (key) => controller.enqueue(key) });
  const reconcile = schemaMigrationReconciler({
    ...contract,
    get: (key) => smigs.cache.get(key),
    readConfigMap: configMapReader(s.client),
    // The URL and its TLS keys are read together: one request per Secret.
    readSecretKey: secretKeyReader({ secrets }),
    allowedDatabaseHosts: s.allowedDatabaseHosts,
    statusWriter: statuses,
    events: s.events,
    metrics: s.metrics,
    schemaMigrationExists: async (key) => {
      // Not allowed to look (a namespaced install): the owner is taken to exist, its claim kept.
      const found = await smigClient
        .find(parseKey(key))
        .catch((err: unknown) => (err instanceof ForbiddenError ? true : Promise.reject(err)));
      return found !== undefined;
    },
    appliedBy: s.appliedBy,
    ...(s.databases && pooled(s.databases)),
  });
  const controller = new Controller({
    name: 'schemamigration',
    reconcile,
    workers: s.workers ?? 4,
    reconcileTimeoutMs: s.reconcileTimeoutMs ?? DEFAULT_RECONCILE_TIMEOUT_MS,
    // A tenant is a namespace: its CRs never hold more than their share of the workers.
    groupOf: namespaceOf,
    maxPerGroup: s.maxPerNamespace ?? 1,
    logger: s.logger,
    metrics: s.metrics,
  });

  const enqueue = (o: KubeObject) => controller.enqueue(objectKey(o));
  smigs.on({
    add: enqueue,
    update: (old, o) => {
      // A run for a spec that is no longer wanted stops now, not after its statement.
      if (respecified(old, o))
        controller.cancel(
          objectKey(o),
          `the SchemaMigration's spec changed (generation ${o.metadata?.generation})`,
        );
      if (worthAReconcile(old, o)) enqueue(o);
    },
    delete: (o) => {
      controller.cancel(objectKey(o), 'the SchemaMigration was deleted');
      statuses.forget(o);
      enqueue(o);
      // It may have held a database another CR was refused for: wake only those.
      for (const other of refusedForConflict(smigs.cache.list())) enqueue(other);
    },
  });
  const wake = (key: string) => controller.enqueue(key);
  const references = watchReferences({ ...s, smigs, wake });

  s.manager.addInformer(smigs);
  for (const informer of references) s.manager.addInformer(informer);
  s.manager.addController(controller);
  return smigs;
}

/** The reconciler's access to the shared pools: a CR holds its database under its own key. */
function pooled(databases: DatabasePools) {
  const holder = (key: string) => holderKey('SchemaMigration', key);
  return {
    sessions: (key: string, access: Parameters<DatabasePools['acquire']>[1]) =>
      databases.acquire(holder(key), access).sessions,
    releaseSessions: (key: string) => databases.release(holder(key)),
  };
}

/** The CRs whose last reconcile was refused because an older CR held their database. */
export function refusedForConflict<T extends SchemaMigration>(all: T[]): T[] {
  return all.filter((o) => {
    const failed = getCondition(o.status?.conditions, MigrationConditions.Failed);
    return failed?.status === 'True' && failed.reason === 'Conflict';
  });
}
