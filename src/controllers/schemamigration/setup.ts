/**
 * Wires the SchemaMigration controller: an informer for SchemaMigrations,
 * metadata-only watches of ConfigMaps and Secrets that wake the CRs naming a
 * changed one (watches.ts; their contents are read with a GET at reconcile
 * time, never cached), status through the status subresource,
 * Events, metrics. Updates wake a CR only when its spec (generation),
 * annotations or deletion changed, so the controller's own status writes do
 * not loop.
 */
import { SCHEMA_MIGRATION, GROUP, VERSION, type SchemaMigration } from '../../api/index.js';
import {
  Controller,
  Informer,
  type EventRecorder,
  type KubeClient,
  type KubeObject,
  type Manager,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import { schemaMigrationReconciler } from './reconciler.js';
import { statusWriter } from './status-writer.js';
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
  appliedBy: string;
}

/** The SchemaMigration resource. */
export const schemaMigrations = {
  group: GROUP,
  version: VERSION,
  plural: SCHEMA_MIGRATION.plural,
  namespaced: true,
};
const secretsRef = { group: '', version: 'v1', plural: 'secrets', namespaced: true };

/** Registers the informers and the controller on the manager; returns the SchemaMigration informer. */
export function setupSchemaMigrations(
  s: SchemaMigrationSetup,
): Informer<SchemaMigration & KubeObject> {
  const smigClient = s.client.resource<SchemaMigration & KubeObject>(schemaMigrations);
  const smigs = new Informer<SchemaMigration & KubeObject>({
    client: smigClient,
    namespace: s.namespace,
    labelSelector: s.labelSelector,
    logger: s.logger,
    metrics: s.metrics,
    indexers: referenceIndexers,
  });
  const secrets = s.client.resource<KubeObject & { data?: Record<string, string> }>(secretsRef);

  const reconcile = schemaMigrationReconciler({
    get: (key) => smigs.cache.get(key),
    list: () => smigs.cache.list(),
    readConfigMap: configMapReader(s.client),
    readSecretKey: async (ns, name, key) => {
      const secret = await secrets.find({ namespace: ns, name });
      const b64 = secret?.data?.[key];
      return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8').trim();
    },
    statusWriter: statusWriter(async (namespace, name, patch) => {
      await smigClient.patchStatus({ namespace, name }, patch);
    }),
    events: s.events,
    metrics: s.metrics,
    appliedBy: s.appliedBy,
  });
  const controller = new Controller({
    name: 'schemamigration',
    reconcile,
    workers: s.workers ?? 4,
    logger: s.logger,
    metrics: s.metrics,
  });

  const keyOf = (o: KubeObject) => `${o.metadata!.namespace}/${o.metadata!.name}`;
  smigs.on({
    add: (o) => controller.queue.add(keyOf(o)),
    update: (old, o) => {
      const m0 = old.metadata ?? {};
      const m1 = o.metadata ?? {};
      const changed =
        m0.generation !== m1.generation ||
        JSON.stringify(m0.annotations ?? {}) !== JSON.stringify(m1.annotations ?? {}) ||
        m0.deletionTimestamp !== m1.deletionTimestamp;
      if (changed) controller.queue.add(keyOf(o));
    },
    // A deleted CR may have held a database another one was refused for.
    delete: (o) => {
      controller.queue.add(keyOf(o));
      for (const other of smigs.cache.list()) controller.queue.add(keyOf(other));
    },
  });
  const wake = (key: string) => controller.queue.add(key);
  const references = watchReferences({ ...s, smigs, wake });

  s.manager.addInformer(smigs);
  for (const informer of references) s.manager.addInformer(informer);
  s.manager.addController(controller);
  return smigs;
}
