/**
 * Wires the Organization controller: informers for Organizations and
 * Namespaces, the SchemaMigration informer shared with that controller, the
 * database registry, and the watches that wake an org when something it
 * waits for changes (no polling):
 *
 * - a SchemaMigration that changes wakes the orgs that reference it (an
 *   index on spec.databaseRef, the default filled in);
 * - a Namespace that appears, changes owner or goes wakes the orgs that ask
 *   for it (an index on spec.namespace);
 * - an Organization wakes itself only when its spec (generation), its
 *   deletion or its `schema.streamspace.io/retry` annotation changed, so the
 *   controller's own status and finalizer writes do not loop; the annotation
 *   asks for a look now at what no watch reports (a deletion blocked by rows
 *   that are gone, a name conflict resolved in the database).
 */
import { accessKeyOf } from '../database-secret.js';
import { isDeepStrictEqual } from 'node:util';
import {
  GROUP,
  ORGANIZATION,
  RETRY_ANNOTATION,
  VERSION,
  type Organization,
  type SchemaMigration,
  type SchemaMigrationRef,
} from '../../api/index.js';
import {
  addFinalizer,
  Controller,
  Informer,
  removeFinalizer,
  type EventRecorder,
  type KubeClient,
  type KubeObject,
  type Manager,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import type { AllowedHosts, DatabaseAccess } from '../../engine/index.js';
import { DatabaseRegistry } from './databases.js';
import { secretKeyReader } from '../secret-reader.js';
import { schemaMigrations } from '../schemamigration/setup.js';
import { ORG_FINALIZER } from './deps.js';
import { SHARED_NAMESPACE } from './namespace.js';
import type { NamespacePolicy } from './namespace-policy.js';
import { organizationReconciler, schemaReady } from './reconciler.js';
import { openOrgDatabase, type OrgDatabase } from './sql.js';

/** What the controller needs from the process. */
export interface OrganizationSetup {
  client: KubeClient;
  manager: Manager;
  events: EventRecorder;
  logger: Logger;
  metrics?: OperatorMetrics;
  /**
   * The SchemaMigration informer (setupSchemaMigrations returns it), to share
   * one watch; it must see every SchemaMigration an org may name. Without it
   * the controller starts its own, unfiltered.
   */
  schemaMigrations?: Informer<SchemaMigration & KubeObject>;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedDatabaseHosts?: AllowedHosts;
  /** For orgs without spec.databaseRef. */
  defaultDatabaseRef?: SchemaMigrationRef;
  /** The operator's own namespace (reserved). */
  operatorNamespace?: string;
  /** The install's limits on organization namespaces (`run --reserved-namespaces`, `--org-namespace-pattern`). */
  namespacePolicy?: Pick<NamespacePolicy, 'reserved' | 'pattern'>;
  labelSelector?: string;
  /** Concurrent reconciles (default 16: they mostly wait, and concurrent upserts share a batch). */
  workers?: number;
}

/** The Organization resource (cluster-scoped). */
export const organizations = {
  group: GROUP,
  version: VERSION,
  plural: ORGANIZATION.plural,
  namespaced: false,
};
const namespacesRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const secretsRef = { group: '', version: 'v1', plural: 'secrets', namespaced: true };

/** A database URL read from a Secret is reused this long (Secrets are read on demand, not watched). */
const SECRET_TTL_MS = 30_000;

type Org = Organization & KubeObject;

/** Registers informers and the controller; `close()` ends the database pools after the manager stopped. */
export function setupOrganizations(s: OrganizationSetup): { close(): Promise<void> } {
  const orgClient = s.client.resource<Org>(organizations);
  const nsClient = s.client.resource<KubeObject>(namespacesRef);
  const secrets = s.client.resource<KubeObject & { data?: Record<string, string> }>(secretsRef);
  const refKey = (o: Organization) => {
    const ref = o.spec.databaseRef ?? s.defaultDatabaseRef;
    return ref ? [`${ref.namespace}/${ref.name}`] : [];
  };
  const orgs = new Informer<Org>({
    client: orgClient,
    labelSelector: s.labelSelector,
    logger: s.logger,
    metrics: s.metrics,
    indexers: { database: refKey, namespace: (o) => [o.spec.namespace ?? SHARED_NAMESPACE] },
  });
  const namespaces = new Informer<KubeObject>({
    client: nsClient,
    logger: s.logger,
    metrics: s.metrics,
  });
  const smigs =
    s.schemaMigrations ??
    new Informer<SchemaMigration & KubeObject>({
      client: s.client.resource<SchemaMigration & KubeObject>(schemaMigrations),
      logger: s.logger,
      metrics: s.metrics,
    });
  if (!s.schemaMigrations) s.manager.addInformer(smigs);
  const nsOps = s.metrics?.organizationNamespaceOps;
  s.metrics?.registerOrganizationPhases(() => {
    const phases = new Map<string, number>();
    for (const o of orgs.cache.list()) {
      const phase = o.status?.phase ?? 'Unknown';
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
    }
    return phases;
  });
  const registry = new DatabaseRegistry<OrgDatabase, DatabaseAccess>({
    open: (access) => counted(openOrgDatabase(access), s.metrics),
    // A changed CA or client certificate is another connection: a new pool.
    keyOf: accessKeyOf,
  });
  // Our own writes reach the cache a moment later; a reconcile in between must not repeat them.
  const finalized = new Set<string>();
  const written = new Map<string, { from?: string; status: unknown }>();

  const reconcile = organizationReconciler({
    getOrganization: (name) => orgs.cache.get(name),
    getSchemaMigration: (key) => smigs.cache.get(key),
    getNamespace: (name) => namespaces.cache.get(name),
    namespaces: {
      create: async (obj) => {
        const created = await nsClient.create(obj);
        nsOps?.inc({ operation: 'create' });
        return created;
      },
      patch: async (name, patch) => {
        const patched = await nsClient.mergePatch({ name }, patch);
        nsOps?.inc({ operation: 'patch' });
        return patched;
      },
      delete: async (name) => {
        await nsClient.delete({ name }).then(
          () => nsOps?.inc({ operation: 'delete' }),
          (err: { reason?: string }) => {
            if (err.reason !== 'NotFound') throw err;
          },
        );
      },
    },
    addFinalizer: async (org) => {
      if (finalized.has(org.metadata.uid ?? '')) return org;
      const stored = await addFinalizer(orgClient, org as Org, ORG_FINALIZER);
      finalized.add(org.metadata.uid ?? '');
      return stored;
    },
    removeFinalizer: async (org) => {
      await removeFinalizer(orgClient, org as Org, ORG_FINALIZER).catch(
        (err: { reason?: string }) => {
          if (err.reason !== 'NotFound') throw err;
        },
      );
    },
    // Orgs woken together by one SchemaMigration share one read of its Secret.
    readSecretKey: secretKeyReader({ secrets, ttlMs: SECRET_TTL_MS }),
    allowedDatabaseHosts: s.allowedDatabaseHosts,
    database: (holder, access) => registry.acquire(holder, access),
    releaseDatabase: (holder) => registry.release(holder),
    writeStatus: async (org, status) => {
      const name = org.metadata.name!;
      if (isDeepStrictEqual(org.status ?? {}, status)) return;
      const last = written.get(name);
      if (
        last &&
        last.from === org.metadata.resourceVersion &&
        isDeepStrictEqual(last.status, status)
      )
        return;
      await orgClient.patchStatus({ name }, status);
      written.set(name, { from: org.metadata.resourceVersion, status: structuredClone(status) });
    },
    events: s.events,
    defaultDatabaseRef: s.defaultDatabaseRef,
    operatorNamespace: s.operatorNamespace,
    namespacePolicy: s.namespacePolicy,
  });
  const controller = new Controller({
    name: 'organization',
    reconcile,
    workers: s.workers ?? 16,
    logger: s.logger,
    metrics: s.metrics,
  });
  const enqueue = (o: KubeObject) => controller.queue.add(o.metadata!.name!);

  orgs.on({
    add: enqueue,
    update: (old, o) => {
      const m0 = old.metadata ?? {};
      const m1 = o.metadata ?? {};
      const retry = (m: typeof m0) => m.annotations?.[RETRY_ANNOTATION];
      if (
        m0.generation !== m1.generation ||
        m0.deletionTimestamp !== m1.deletionTimestamp ||
        retry(m0) !== retry(m1)
      )
        enqueue(o);
    },
    delete: (o) => {
      finalized.delete(o.metadata?.uid ?? '');
      written.delete(o.metadata!.name!);
      enqueue(o);
    },
  });
  const wakeUsers = (index: 'database' | 'namespace', value: string) => {
    for (const o of orgs.cache.byIndex(index, value)) enqueue(o);
  };
  const smigKey = (o: KubeObject) => `${o.metadata!.namespace}/${o.metadata!.name}`;
  smigs.on({
    add: (o) => wakeUsers('database', smigKey(o)),
    // Only readiness and allowOrganizations matter to an org; progress writes during a run do not.
    update: (old, o) => {
      if (
        schemaReady(old) !== schemaReady(o) ||
        old.spec.allowOrganizations !== o.spec.allowOrganizations
      )
        wakeUsers('database', smigKey(o));
    },
    delete: (o) => wakeUsers('database', smigKey(o)),
  });
  namespaces.on({
    add: (ns) => wakeUsers('namespace', ns.metadata!.name!),
    update: (old, ns) => {
      const m0 = old.metadata ?? {};
      const m1 = ns.metadata ?? {};
      const changed =
        !isDeepStrictEqual(m0.annotations ?? {}, m1.annotations ?? {}) ||
        !isDeepStrictEqual(m0.labels ?? {}, m1.labels ?? {}) ||
        m0.deletionTimestamp !== m1.deletionTimestamp;
      if (changed) wakeUsers('namespace', ns.metadata!.name!);
    },
    delete: (ns) => wakeUsers('namespace', ns.metadata!.name!),
  });

  s.manager.addInformer(orgs);
  s.manager.addInformer(namespaces);
  s.manager.addController(controller);
  return { close: () => registry.closeAll() };
}

/** `db` counting its row outcomes in `schema_operator_organization_row_writes_total`. */
function counted(db: OrgDatabase, metrics: OperatorMetrics | undefined): OrgDatabase {
  if (!metrics) return db;
  const rows = metrics.organizationRows;
  return {
    upsert: async (row) => {
      const r = await db.upsert(row);
      rows.inc({ outcome: r.outcome });
      return r;
    },
    markDeleted: async (id, uid) => {
      const marked = await db.markDeleted(id, uid);
      if (marked) rows.inc({ outcome: 'marked-deleted' });
      return marked;
    },
    references: async (id) => {
      const refs = await db.references(id);
      if (refs.length > 0) rows.inc({ outcome: 'delete-blocked' });
      return refs;
    },
    deleteRow: async (id, uid) => {
      const r = await db.deleteRow(id, uid);
      rows.inc({ outcome: r.outcome === 'blocked' ? 'delete-blocked' : r.outcome });
      return r;
    },
    end: () => db.end(),
  };
}
