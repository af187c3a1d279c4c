/**
 * Wires the Organization controller: informers for Organizations and
 * Namespaces, the SchemaMigration informer shared with that controller, the
 * database pools (shared with the SchemaMigration controller when the operator
 * passes them), and the watches that wake an org when something it
 * waits for changes (no polling):
 *
 * - a SchemaMigration that changes wakes the orgs that reference it (an
 *   index on spec.databaseRef, the default filled in);
 * - a Namespace that appears, changes owner or goes wakes the orgs that ask
 *   for it (an index on spec.namespace);
 * - the class policy's objects and classes wake their orgs (policy-setup.ts);
 * - an Organization wakes itself only when its spec (generation), its
 *   deletion or its `schema.streamspace.io/retry` annotation changed, so the
 *   controller's own status and finalizer writes do not loop; the annotation
 *   asks for a look now at what no watch reports (a deletion blocked by rows
 *   that are gone, a name conflict resolved in the database).
 */
import {
  RETRY_ANNOTATION,
  type Organization,
  type OrganizationClass,
  type SchemaMigration,
  type SchemaMigrationRef,
} from '../../api/index.js';
import {
  Controller,
  Informer,
  metadataClient,
  metadataWithoutBookkeeping,
  objectKey,
  withoutBookkeeping,
  type EventRecorder,
  type KubeClient,
  type KubeObject,
  type Manager,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import type { AllowedHosts, DatabaseAccess } from '../../engine/index.js';
import { classKeyOf } from '../class-of.js';
import {
  annotationChanged,
  annotationsChanged,
  anyOf,
  deletionChanged,
  generationChanged,
  labelsChanged,
  valueChanged,
} from '../event-filters.js';
import {
  namespaces as namespacesRef,
  organizations,
  schemaMigrations,
  secrets as secretsRef,
} from '../resources.js';
import { schemaReady } from '../schema-ready.js';
import { secretKeyReader } from '../secret-reader.js';
import { statusWriter } from '../status-writer.js';
import { databasePools, holderKey, type DatabasePools } from '../database-pools.js';
import { finalizerWriter } from './finalizer-writer.js';
import { countedDatabase, phaseCounts } from './metrics.js';
import { SHARED_NAMESPACE } from './namespace.js';
import type { NamespacePolicy } from './namespace-policy.js';
import { namespaceWriter } from './namespace-writer.js';
import { setupPolicy } from './policy-setup.js';
import { organizationReconciler } from './reconciler.js';
import { openOrgDatabase } from './sql.js';

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
  schemaMigrations?: Informer<SchemaMigration>;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedDatabaseHosts?: AllowedHosts;
  /** For orgs without spec.databaseRef. */
  defaultDatabaseRef?: SchemaMigrationRef;
  /** The operator's own namespace (reserved). */
  operatorNamespace?: string;
  /** The install's limits on organization namespaces (`run --reserved-namespaces`, `--org-namespace-pattern`). */
  namespacePolicy?: Pick<NamespacePolicy, 'reserved' | 'pattern'>;
  labelSelector?: string;
  /** `run --bindable-cluster-roles`: the ClusterRoles a class may bind (default none). */
  bindableClusterRoles?: readonly string[];
  /** The OrganizationClass informer to share; without it one is started here. */
  organizationClasses?: Informer<OrganizationClass>;
  /** Concurrent reconciles (default 16: they mostly wait, and concurrent upserts share a batch). */
  workers?: number;
  /**
   * The operator's database pools, shared with the SchemaMigration
   * controller (an org holds its database under its own key). Without them
   * the controller keeps its own, closed by `close()`.
   */
  databases?: DatabasePools;
}

/** A database URL read from a Secret is reused this long (Secrets are read on demand, not watched). */
const SECRET_TTL_MS = 30_000;

/** An org wakes itself on a new spec, its deletion or the retry annotation, never on its own status writes. */
const orgChanged = anyOf(generationChanged, deletionChanged, annotationChanged(RETRY_ANNOTATION));

/** A namespace's owner and policy live in its labels and annotations. */
const namespaceChanged = anyOf(annotationsChanged, labelsChanged, deletionChanged);

/** Orgs woken by one change of a SchemaMigration: its readiness or its allowOrganizations. */
const schemaChanged = anyOf<SchemaMigration>(
  valueChanged(schemaReady),
  valueChanged((o) => o.spec.allowOrganizations),
);

/** What setupOrganizations hands back: its informers (to share) and `close()`. */
export interface OrganizationWiring {
  /** Ends the database pools, after the manager stopped. */
  close(): Promise<void>;
  /** Organizations, indexed by `class` (class-of.ts classKeyOf). */
  organizations: Informer<Organization>;
  organizationClasses: Informer<OrganizationClass>;
}

/** Registers informers and the controller. */
export function setupOrganizations(s: OrganizationSetup): OrganizationWiring {
  const orgClient = s.client.resource<Organization>(organizations);
  const nsClient = s.client.resource<KubeObject>(namespacesRef);
  const nsMetadata = metadataClient(s.client, namespacesRef);
  const secrets = s.client.resource<KubeObject & { data?: Record<string, string> }>(secretsRef);
  const refKey = (o: Organization) => {
    const ref = o.spec.databaseRef ?? s.defaultDatabaseRef;
    return ref ? [`${ref.namespace}/${ref.name}`] : [];
  };
  const orgs = new Informer<Organization>({
    client: orgClient,
    labelSelector: s.labelSelector,
    logger: s.logger,
    metrics: s.metrics,
    // Spec, status and metadata are read; the API's and kubectl's bookkeeping never is.
    transform: withoutBookkeeping,
    indexers: {
      database: refKey,
      namespace: (o) => [o.spec.namespace ?? SHARED_NAMESPACE],
      class: (o) => [classKeyOf(o)],
    },
  });
  // Only a namespace's metadata is read (owner annotations, labels, deletion): the spec and
  // status never cross the wire, and every tenant namespace costs its metadata alone.
  const namespaces = new Informer<KubeObject>({
    client: nsMetadata,
    transform: metadataWithoutBookkeeping,
    logger: s.logger,
    metrics: s.metrics,
  });
  const smigs =
    s.schemaMigrations ??
    new Informer<SchemaMigration>({
      client: s.client.resource<SchemaMigration>(schemaMigrations),
      transform: withoutBookkeeping,
      logger: s.logger,
      metrics: s.metrics,
    });
  if (!s.schemaMigrations) s.manager.addInformer(smigs);
  s.metrics?.registerOrganizationPhases(() => phaseCounts(orgs.cache.list()));

  const registry = s.databases ?? databasePools();
  const orgDatabase = (holder: string, access: DatabaseAccess) => {
    const shared = registry.acquire(holderKey('Organization', holder), access);
    // A server out of slots gets the writer's idle sessions back with the runs'.
    return shared.part('organizations', () =>
      countedDatabase(openOrgDatabase(access, { budget: shared.budget }), s.metrics),
    );
  };
  const finalizers = finalizerWriter(orgClient);
  const statuses = statusWriter<NonNullable<Organization['status']>>({
    patch: (key, body) => orgClient.patchStatus(key, body),
  });

  const policy = setupPolicy({
    client: s.client,
    manager: s.manager,
    logger: s.logger,
    metrics: s.metrics,
    bindableClusterRoles: s.bindableClusterRoles ?? [],
    classes: s.organizationClasses,
  });

  const reconcile = organizationReconciler({
    getOrganization: (name) => orgs.cache.get(name),
    getSchemaMigration: (key) => smigs.cache.get(key),
    getNamespace: (name) => namespaces.cache.get(name),
    namespaces: namespaceWriter({ client: nsClient, metrics: s.metrics }),
    addFinalizer: (org) => finalizers.add(org),
    removeFinalizer: (org) => finalizers.remove(org),
    // Orgs woken together by one SchemaMigration share one read of its Secret.
    readSecretKey: secretKeyReader({ secrets, ttlMs: SECRET_TTL_MS }),
    allowedDatabaseHosts: s.allowedDatabaseHosts,
    database: orgDatabase,
    releaseDatabase: (holder) => registry.release(holderKey('Organization', holder)),
    writeStatus: (org, status) => statuses.write(org, status),
    events: s.events,
    defaultDatabaseRef: s.defaultDatabaseRef,
    operatorNamespace: s.operatorNamespace,
    namespacePolicy: s.namespacePolicy,
    policy: policy.deps,
  });
  const controller = new Controller({
    name: 'organization',
    reconcile,
    workers: s.workers ?? 16,
    logger: s.logger,
    metrics: s.metrics,
  });

  watchWakes({ controller, orgs, smigs, namespaces, forget: [finalizers, statuses] });
  policy.watch({ enqueue: (name) => controller.enqueue(name), orgs: orgs.cache });

  s.manager.addInformer(orgs);
  s.manager.addInformer(namespaces);
  s.manager.addController(controller);
  return {
    // Shared pools are the operator's to close.
    close: () => (s.databases ? Promise.resolve() : registry.closeAll()),
    organizations: orgs,
    organizationClasses: policy.classes,
  };
}

/** What {@link watchWakes} connects. */
interface Wakes {
  controller: Controller;
  orgs: Informer<Organization>;
  smigs: Informer<SchemaMigration>;
  namespaces: Informer<KubeObject>;
  /** What remembers deleted orgs (finalizer adds, status writes). */
  forget: Array<{ forget(o: Organization): void }>;
}

/** The watches that wake an org (this file's doc comment says which and why). */
function watchWakes({ controller, orgs, smigs, namespaces, forget }: Wakes): void {
  const enqueue = (o: KubeObject) => controller.enqueue(objectKey(o));
  const wakeUsers = (index: 'database' | 'namespace', value: string) => {
    for (const o of orgs.cache.byIndex(index, value)) enqueue(o);
  };

  orgs.on({
    add: enqueue,
    update: (old, o) => {
      if (orgChanged(old, o)) enqueue(o);
    },
    delete: (o) => {
      for (const f of forget) f.forget(o);
      enqueue(o);
    },
  });
  smigs.on({
    add: (o) => wakeUsers('database', objectKey(o)),
    // Progress writes during a run do not matter to an org.
    update: (old, o) => {
      if (schemaChanged(old, o)) wakeUsers('database', objectKey(o));
    },
    delete: (o) => wakeUsers('database', objectKey(o)),
  });
  namespaces.on({
    add: (ns) => wakeUsers('namespace', objectKey(ns)),
    update: (old, ns) => {
      if (namespaceChanged(old, ns)) wakeUsers('namespace', objectKey(ns));
    },
    delete: (ns) => wakeUsers('namespace', objectKey(ns)),
  });
}
