/**
 * The operator process, shared by `run` and `dev`: the manager with its
 * informers, controllers, leader election, health and metrics server. Only
 * loaded when one of those commands runs (it imports the Kubernetes client,
 * which the database commands never need).
 */
import { hostname } from 'node:os';
import { setupSchemaMigrations } from '../controllers/schemamigration/setup.js';
import {
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
  type SignalSource,
  type StopCause,
} from '../kube/index.js';
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
  /** `:8080`, `127.0.0.1:0`, ... ; empty for none. */
  bindAddress: string;
  workers: number;
  logLevel?: string;
  signals?: SignalSource;
  /** Called once the manager runs (the health server is up). */
  onStarted?: (info: { healthUrl?: string; identity: string }) => void;
}

/** Runs until a signal or lost leadership; resolves with the cause. */
export async function runOperator(
  o: OperatorOptions,
  client: KubeClient = connect({ kubeconfigPath: o.kubeconfig, context: o.context }),
): Promise<StopCause> {
  const logger: Logger = createLogger({ level: o.logLevel });
  const metrics = new OperatorMetrics();
  const identity = defaultIdentity();
  const leaderElector = o.leaderElect
    ? new LeaderElector({
        store: new KubeLeaseStore(client.resource<LeaseObject>(leaseResource), {
          namespace: o.leaseNamespace,
          name: o.leaseName,
        }),
        identity,
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
  const events = new KubeEventRecorder({
    client: client.resource<KubeObject>(eventResource),
    instance: identity,
    logger,
  });
  setupSchemaMigrations({
    client,
    manager,
    events,
    logger,
    metrics,
    namespace: o.namespace,
    labelSelector: o.selector,
    workers: o.workers,
    appliedBy: `schema-operator/${identity}@${hostname()}`,
  });
  logger.info('schema-operator starting', {
    identity,
    server: client.server,
    namespace: o.namespace ?? '(all)',
    selector: o.selector ?? '(all)',
    leaderElect: o.leaderElect,
  });
  const running = manager.run();
  void announce(manager, o.bindAddress !== '', (healthUrl) =>
    o.onStarted?.({ healthUrl, identity }),
  );
  const cause = await running;
  logger.info('schema-operator stopped', { cause });
  return cause;
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
