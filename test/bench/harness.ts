/**
 * What the operator benchmarks start from: a fresh devcluster with the CRDs
 * installed, an admin kubeconfig for it in a scratch directory, a client,
 * and operator processes (`schema-operator run`) that are stopped with it.
 * `withBenchCluster` is the scoped helper: whatever the benchmark does, the
 * operators get SIGTERM, deferred clean-ups run, and the devcluster stops.
 */
import { join } from 'node:path';
import { installCrds } from '../../src/cli/install-crds.js';
import {
  startDevCluster,
  type DevCluster,
  type DevClusterOptions,
} from '../../src/devcluster/index.js';
import {
  clientFor,
  KubeTransport,
  kubeConfig,
  type KubeClient,
  type KubeObject,
  type ResourceClient,
} from '../../src/kube/index.js';
import { OperatorProcess, type OperatorProcessOptions } from '../support/operator.js';
import { CLI } from '../support/cli.js';
import { checkoutOf, deploymentNodeFlags } from './baseline.js';
import { scratchDir, type BenchContext } from './context.js';

/** How to start an operator of a bench cluster: its kubeconfig defaults to the cluster's. */
export type BenchOperatorOptions = Omit<OperatorProcessOptions, 'kubeconfigPath'> & {
  kubeconfigPath?: string;
};

/** A running devcluster prepared for a benchmark. */
export interface BenchCluster {
  dc: DevCluster;
  /** This cluster's scratch directory (under the run's, removed by the runner). */
  dir: string;
  /** The admin kubeconfig, in `dir`. */
  kubeconfigPath: string;
  client: KubeClient;
  /** A core (`v1`) resource by plural; every one but `namespaces` is namespaced. */
  core(plural: string): ResourceClient<KubeObject>;
  /** Creates namespace `name`. */
  namespace(name: string): Promise<void>;
  /** Creates Secret `name` in `namespace` holding `url` under key `url`. */
  urlSecret(namespace: string, name: string, url: string): Promise<void>;
  /** An operator process, not started yet, that gets SIGTERM when the cluster stops. */
  operator(opts?: BenchOperatorOptions): OperatorProcess;
  /** {@link BenchCluster.operator}, started, once its controllers have started. */
  startOperator(opts?: BenchOperatorOptions): Promise<OperatorProcess>;
  /** Runs `fn` when the cluster stops: after the operators exit, before the devcluster stops. */
  defer(fn: () => Promise<void>): void;
}

/** Options of {@link withBenchCluster}. */
export interface BenchClusterOptions {
  /** Names the scratch directory. */
  name: string;
  devcluster?: DevClusterOptions;
}

/** How long an operator may take from its first log line to `controllers started`. */
const CONTROLLERS_START_MS = 20_000;

/** Waits for the `controllers started` log line of `op`. */
export async function controllersStarted(
  op: OperatorProcess,
  timeoutMs = CONTROLLERS_START_MS,
): Promise<void> {
  await op.waitForLog((l) => l.message === 'controllers started', timeoutMs);
}

/** Runs `fn` against a fresh bench cluster, stopping everything it started afterwards. */
export async function withBenchCluster<T>(
  ctx: BenchContext,
  opts: BenchClusterOptions,
  fn: (cluster: BenchCluster) => Promise<T>,
): Promise<T> {
  const dc = await startDevCluster(opts.devcluster);
  const operators: OperatorProcess[] = [];
  const deferred: Array<() => Promise<void>> = [];
  try {
    const dir = scratchDir(ctx, opts.name);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await dc.writeKubeconfig(kubeconfigPath);
    const client = clientFor(new KubeTransport(kubeConfig({ kubeconfigPath })));
    await installCrds(client);
    const core = (plural: string) =>
      client.resource<KubeObject>({
        group: '',
        version: 'v1',
        plural,
        namespaced: plural !== 'namespaces',
      });
    const operator = (o: BenchOperatorOptions = {}) => {
      // As the Deployment runs it: its NODE_OPTIONS flags (baseline.ts), unless given others.
      const op = new OperatorProcess({
        kubeconfigPath,
        nodeArgs: deploymentNodeFlags(checkoutOf(CLI)),
        ...o,
      });
      operators.push(op);
      return op;
    };
    return await fn({
      dc,
      dir,
      kubeconfigPath,
      client,
      core,
      async namespace(name) {
        await core('namespaces').create({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
        });
      },
      async urlSecret(namespace, name, url) {
        await core('secrets').create({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace },
          stringData: { url },
        } as KubeObject);
      },
      operator,
      async startOperator(o) {
        const op = operator(o);
        await op.start();
        await controllersStarted(op);
        return op;
      },
      defer: (f) => void deferred.push(f),
    });
  } finally {
    await Promise.all(operators.map((op) => op.kill('SIGTERM')));
    for (const f of deferred.reverse()) await f();
    await dc.stop();
  }
}
