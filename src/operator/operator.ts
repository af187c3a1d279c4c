/**
 * The operator process, shared by `run` and `dev`: the manager with its
 * informers, controllers, leader election, health and metrics server. Only
 * loaded when one of those commands runs (it imports the Kubernetes client,
 * which the database commands never need).
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { podInformer } from '../controllers/pod-informer.js';
import { setupPodGate } from '../controllers/podgate/setup.js';
import { setupSchemaMigrations } from '../controllers/schemamigration/setup.js';
import { databasePools } from '../controllers/database-pools.js';
import { schemaMigrations } from '../controllers/resources.js';
import { setupOrganizations } from '../controllers/organization/setup.js';
import { setupOrganizationClasses } from '../controllers/organizationclass/setup.js';
import {
  checkApiReachable,
  Informer,
  KubeEventRecorder,
  KubeLeaseStore,
  LeaderElector,
  Manager,
  connect,
  defaultIdentity,
  eventResource,
  leaseResource,
  type KubeClient,
  type KubeObject,
  type LeaseObject,
  withoutBookkeeping,
  type SignalSource,
  type StopCause,
} from '../kube/index.js';
import type { AllowedHosts } from '../engine/index.js';
import type { SchemaMigration } from '../api/index.js';
import { OperatorMetrics, createLogger, type Logger } from '../observability/index.js';

/** How the operator runs. */
export interface OperatorOptions {
  kubeconfig?: string;
  context?: string;
  /** Watch one namespace only. */
  namespace?: string;
  /** Reconcile only CRs matching this label selector (one shard of a fleet). */
  selector?: string;
  leaderElect: boolean;
  leaseName: string;
  leaseNamespace: string;
  /** Lease duration, renew deadline and retry period; LeaderElector's defaults (15 s, 10 s, 2 s) when omitted. */
  leaderElection?: {
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  /** `:8080`, `127.0.0.1:0`, ... ; empty for none. */
  bindAddress: string;
  workers: number;
  /** Each SchemaMigration reconcile's deadline: its run is cancelled then (default 1 h). */
  reconcileTimeoutMs?: number;
  /** SchemaMigration reconciles of one namespace running at once, at most (default 1). */
  maxReconcilesPerNamespace?: number;
  /** The SchemaMigration (`namespace/name`) of Organizations without spec.databaseRef. */
  defaultDatabaseRef?: { namespace: string; name: string };
  /** Hosts SchemaMigrations and Organizations may connect to; undefined allows any. */
  allowedDatabaseHosts?: AllowedHosts;
  /**
   * The operator's own namespace: reserved for organizations, and where
   * Events about cluster-scoped objects (Organizations) go. Default: the
   * lease namespace (both come from POD_NAMESPACE in the chart).
   */
  operatorNamespace?: string;
  /** The install's limits on organization namespaces. */
  namespacePolicy?: { reserved?: string[]; pattern?: RegExp };
  /** ClusterRoles an OrganizationClass may bind (`run --bindable-cluster-roles`); default none. */
  bindableClusterRoles?: string[];
  logLevel?: string;
  signals?: SignalSource;
  /** Called once the manager runs (the health server is up). */
  onStarted?: (info: { healthUrl?: string; identity: string }) => void;
}

/**
 * Runs until a signal or lost leadership; resolves with the cause. Rejects
 * with `KubeConfigError` for an unusable configuration and with
 * `UnavailableError` when the API server does not answer at start (see
 * `checkApiReachable` for why that ends the process rather than retrying).
 */
export async function runOperator(
  o: OperatorOptions,
  client: KubeClient = connect({ kubeconfigPath: o.kubeconfig, context: o.context }),
): Promise<StopCause> {
  const logger: Logger = createLogger({ level: o.logLevel });
  await checkApiReachable(client);
  const metrics = new OperatorMetrics();
  const identity = defaultIdentity();
  const leaseName = shardLeaseName(o.leaseName, o.selector);
  const leaderElector = o.leaderElect
    ? new LeaderElector({
        store: new KubeLeaseStore(client.resource<LeaseObject>(leaseResource), {
          namespace: o.leaseNamespace,
          name: leaseName,
        }),
        identity,
        ...o.leaderElection,
        logger,
        metrics,
      })
    : undefined;
  const manager = new Manager({
    logger,
    metrics,
    healthBindAddress: o.bindAddress || undefined,
    leaderElector,
    signals: o.signals,
  });
  const operatorNamespace = o.operatorNamespace || o.leaseNamespace;
  const events = new KubeEventRecorder({
    client: client.resource<KubeObject>(eventResource),
    instance: identity,
    // Organizations have no namespace: their Events go where the operator runs (and may write Events).
    clusterScopedNamespace: operatorNamespace,
    logger,
  });
  const shared = { client, manager, events, logger, metrics };
  // One cache of gated pods: the gate releases them, contract migrations wait for them.
  const pods = podInformer({ ...shared, namespace: o.namespace, labelSelector: o.selector });
  manager.addInformer(pods);
  // One set of pools per database and credential, shared by SchemaMigrations and Organizations.
  const databases = databasePools();
  const migrations = setupSchemaMigrations({
    ...shared,
    databases,
    pods,
    namespace: o.namespace,
    labelSelector: o.selector,
    workers: o.workers,
    reconcileTimeoutMs: o.reconcileTimeoutMs,
    maxPerNamespace: o.maxReconcilesPerNamespace,
    appliedBy: `schema-operator/${identity}@${hostname()}`,
    allowedDatabaseHosts: o.allowedDatabaseHosts,
  });
  // Orgs and the gate may name any SchemaMigration a shard's selector leaves out: sharded, they
  // share one informer without it, still in the watched namespace (all RBAC grants there).
  const allMigrations = o.selector ? unselectedMigrations(shared, o.namespace) : migrations;
  const organizations = setupOrganizations({
    ...shared,
    schemaMigrations: allMigrations,
    databases,
    defaultDatabaseRef: o.defaultDatabaseRef,
    allowedDatabaseHosts: o.allowedDatabaseHosts,
    operatorNamespace,
    namespacePolicy: o.namespacePolicy,
    bindableClusterRoles: o.bindableClusterRoles,
    labelSelector: o.selector,
  });
  // A class counts every org of it: one writer of its status, so only an unsharded operator runs it.
  if (!o.selector)
    setupOrganizationClasses({
      ...shared,
      organizations: organizations.organizations,
      organizationClasses: organizations.organizationClasses,
    });
  // A shard gates only the pods its selector matches, so no pod is patched by two shards.
  setupPodGate({
    ...shared,
    namespace: o.namespace,
    labelSelector: o.selector,
    migrations: allMigrations,
    pods,
  });
  logger.info('schema-operator starting', {
    identity,
    server: client.server,
    namespace: o.namespace ?? '(all)',
    selector: o.selector ?? '(all)',
    allowedDatabaseHosts: o.allowedDatabaseHosts?.source.join(',') ?? '(any)',
    leaderElect: o.leaderElect,
    ...(o.leaderElect ? { lease: `${o.leaseNamespace}/${leaseName}` } : {}),
  });
  const running = manager.run();
  void announce(manager, o.bindAddress !== '', (healthUrl) => {
    // The bind address may be port 0; this line is where operators and tests learn the real one.
    logger.info('schema-operator started', { identity, healthUrl: healthUrl ?? '(none)' });
    o.onStarted?.({ healthUrl, identity });
  });
  const cause = await running;
  await organizations.close();
  await databases.closeAll();
  logger.info('schema-operator stopped', { cause });
  return cause;
}

/** Every SchemaMigration of `namespace` (all namespaces when undefined), registered on the manager. */
function unselectedMigrations(
  s: { client: KubeClient; manager: Manager; logger: Logger; metrics: OperatorMetrics },
  namespace: string | undefined,
): Informer<SchemaMigration> {
  const informer = new Informer<SchemaMigration>({
    client: s.client.resource<SchemaMigration>(schemaMigrations),
    namespace,
    // Both controllers read spec, status and metadata; never managedFields or last-applied.
    transform: withoutBookkeeping,
    logger: s.logger,
    metrics: s.metrics,
  });
  s.manager.addInformer(informer);
  return informer;
}

/** The `--lease-name` default of `run`. */
export const DEFAULT_LEASE_NAME = 'schema-operator';

/**
 * The Lease a process campaigns for. Shards must not share one (the second
 * would wait forever for the first to step down), so with a selector and the
 * default name the name is derived from the selector:
 * `schema-operator-<selector as a DNS label, cut to 30>-<8 hex of its sha256>`
 * (`shard=a` gives `schema-operator-shard-a-…`); the hash keeps `shard=a`
 * and `shard!=a` apart. Spaces are normalized first, so `shard in (a)` and
 * `shard in(a)` share a Lease. Any other name is used as given.
 */
export function shardLeaseName(leaseName: string, selector: string | undefined): string {
  const normalized = (selector ?? '')
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\s*([,()=!])\s*/g, '$1');
  if (normalized === '' || leaseName !== DEFAULT_LEASE_NAME) return leaseName;
  const slug = normalized
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 30)
    .replace(/^-+|-+$/g, '');
  const hash = createHash('sha256').update(normalized).digest('hex').slice(0, 8);
  return `${leaseName}-${slug ? `${slug}-` : ''}${hash}`;
}

/** Calls `fn` once the health server answers (or at once when there is none). */
async function announce(
  manager: Manager,
  hasServer: boolean,
  fn: (url?: string) => void,
): Promise<void> {
  for (let i = 0; hasServer && !manager.healthUrl && i < 100; i++)
    await new Promise((r) => setTimeout(r, 50));
  fn(manager.healthUrl);
}
