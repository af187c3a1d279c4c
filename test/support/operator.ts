/**
 * The end-to-end harness: a devcluster in the test process with the CRDs
 * installed, and the operator as separate `schema-operator run` processes,
 * as in production. Each process's stdout and stderr (JSON logs) are kept,
 * across restarts, for assertions and for the "no secret in the logs" check.
 * `useOperatorEnv()` starts all of it before a suite and stops it after.
 *
 * As in a cluster, the operator runs as its ServiceAccount under the
 * install's ValidatingAdmissionPolicy (manifests/admission-policy.yaml):
 * `useOperatorEnv` installs the policy and writes a second kubeconfig, for
 * the devcluster user `system:serviceaccount:schema-operator-system:schema-operator`,
 * and an `OperatorProcess` given the suite's (admin) kubeconfig runs with
 * that one instead. The tests' own kubectl and client stay the admin.
 */
import { installCrds } from '../../src/cli/install-crds.js';
import { installAdmissionPolicy, OPERATOR_USERNAME } from '../../src/cli/install-policy.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import { expect } from 'chai';
import type { SchemaMigration } from '../../src/api/index.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import {
  clientFor,
  eventResource,
  KubeTransport,
  kubeConfig,
  type KubeClient,
  type KubeObject,
} from '../../src/kube/index.js';
import type { DevCluster } from '../../src/devcluster/index.js';
import { CLI } from './cli.js';
import { kubeconfigFile, useDevCluster } from './devcluster.js';
import { kubectl, type KubectlResult } from './kubectl.js';

/** The devcluster user the operator processes of `useOperatorEnv` authenticate as. */
export const OPERATOR_USER = { name: 'schema-operator', username: OPERATOR_USERNAME };

/** Admin kubeconfig path → the operator identity's kubeconfig of the same devcluster. */
const operatorKubeconfigs = new Map<string, string>();

/** How an operator process is started. */
export interface OperatorProcessOptions {
  /**
   * The suite's kubeconfig. When `useOperatorEnv` wrote it, the process runs
   * with the operator identity's kubeconfig instead (unless `asAdmin`).
   */
  kubeconfigPath: string;
  /** Run as the unrestricted admin rather than the operator's ServiceAccount. */
  asAdmin?: boolean;
  /** Campaign for the Lease (default false: `--no-leader-elect`). */
  leaderElect?: boolean;
  /** Default `debug`: the tests read every line. */
  logLevel?: string;
  extraArgs?: string[];
  /**
   * The CLI entry point to run (default this checkout's build): the fleet
   * benchmark points it at another checkout's `dist/src/cli/main.js` to
   * measure a baseline build in the same run.
   */
  cli?: string;
  /** Flags for node itself, before the entry point (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown> & { message?: string; level?: string };

/** A `schema-operator run` child process. No process runs until `start()`. */
export class OperatorProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<number | null> | undefined;
  /** Everything every incarnation printed, stdout and stderr interleaved. */
  private text = '';

  constructor(private readonly opts: OperatorProcessOptions) {}

  /** The process id of the running incarnation. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while the current incarnation runs. */
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and waits for its first log line (`schema-operator starting`). */
  async start(): Promise<void> {
    const kubeconfig = this.opts.asAdmin
      ? this.opts.kubeconfigPath
      : (operatorKubeconfigs.get(this.opts.kubeconfigPath) ?? this.opts.kubeconfigPath);
    const args = [
      ...(this.opts.nodeArgs ?? []),
      this.opts.cli ?? CLI,
      'run',
      '--kubeconfig',
      kubeconfig,
      '--bind-address',
      '127.0.0.1:0',
      '--lease-namespace',
      'default',
      ...(this.opts.leaderElect ? [] : ['--no-leader-elect']),
      '--log-level',
      this.opts.logLevel ?? 'debug',
      ...(this.opts.extraArgs ?? []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const collect = (d: Buffer) => (this.text += d.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    this.exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));
    const from = this.text.length;
    await this.waitForLog((l) => l.message === 'schema-operator starting', 10_000, from);
  }

  /** Everything printed so far. */
  output(): string {
    return this.text;
  }

  /** The JSON lines printed so far (lines that are not JSON are skipped). */
  logs(from = 0): LogLine[] {
    const lines: LogLine[] = [];
    for (const line of this.text.slice(from).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // A line cut in the middle: the rest is still arriving.
      }
    }
    return lines;
  }

  /** Waits until a log line (printed after offset `from`) satisfies `pred`. */
  async waitForLog(pred: (l: LogLine) => boolean, timeoutMs = 10_000, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.logs(from).find(pred);
      if (hit) return hit;
      if (!this.running && this.exit) throw new Error(`operator exited:\n${this.tail()}`);
      if (Date.now() > deadline)
        throw new Error(`no such log line in ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(25);
    }
  }

  /** The current length of the output, to wait for lines printed after it. */
  mark(): number {
    return this.text.length;
  }

  /** Sends `signal` and waits for the exit; resolves with the exit code (null when killed). */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || !this.exit) return null;
    if (this.running) this.child.kill(signal);
    return this.exit;
  }

  /** SIGTERM, then a new incarnation with the same flags. */
  async restart(): Promise<void> {
    await this.kill('SIGTERM');
    await this.start();
  }

  /** The text of this incarnation's `/metrics` (its start-up line names the health URL). */
  async metrics(): Promise<string> {
    const started = await this.waitForLog((l) => l.message === 'schema-operator started', 20_000);
    const url = String(started.healthUrl);
    if (!url.startsWith('http')) throw new Error(`the operator serves no /metrics (${url})`);
    const res = await fetch(`${url}/metrics`);
    return res.text();
  }

  /** The last `n` lines printed. */
  tail(n = 20): string {
    return this.text.split('\n').slice(-n).join('\n');
  }
}

/** What an e2e suite works with; fields are set once `before` ran. */
export interface OperatorEnv {
  /** The devcluster: faults and request counters. */
  dc: DevCluster;
  kubeconfigPath: string;
  /** The kubeconfig of the operator's identity (its ServiceAccount username). */
  operatorKubeconfigPath: string;
  /** A client of the devcluster for reading state (never the operator's own). */
  client: KubeClient;
  /** The operator processes, in start order. */
  operators: OperatorProcess[];
  /** Stops every operator process of the suite with SIGTERM. */
  stopOperators(): Promise<void>;
  /** Starts one more operator process. */
  startOperator(o?: { leaderElect?: boolean }): Promise<OperatorProcess>;
}

/** Options of {@link useOperatorEnv}. */
export interface OperatorEnvOptions {
  /** Operator processes started before the tests (default 1; 0 for none). */
  operators?: number;
  leaderElect?: boolean;
  /** More `run` flags for every operator process of the suite. */
  extraArgs?: string[];
}

/**
 * Starts a devcluster with the CRDs and the operator processes before the
 * suite and stops them after it.
 */
export function useOperatorEnv(opts: OperatorEnvOptions = {}): OperatorEnv {
  const env = { operators: [] as OperatorProcess[] } as OperatorEnv;
  // Registered before useDevCluster's: mocha runs `after` hooks in order, so operators stop first.
  after(async function () {
    this.timeout(60_000);
    await Promise.all(env.operators.map((p) => p.kill('SIGKILL')));
  });
  const cluster = useDevCluster({ users: [OPERATOR_USER] });
  env.startOperator = async (o = {}) => {
    const p = new OperatorProcess({
      kubeconfigPath: env.kubeconfigPath,
      leaderElect: o.leaderElect ?? opts.leaderElect ?? false,
      extraArgs: opts.extraArgs,
    });
    env.operators.push(p);
    await p.start();
    return p;
  };
  env.stopOperators = async () => {
    await Promise.all(env.operators.map((p) => p.kill('SIGTERM')));
  };
  before(async function () {
    this.timeout(60_000);
    env.dc = cluster.dc;
    env.kubeconfigPath = await kubeconfigFile(cluster.dc);
    env.operatorKubeconfigPath = await kubeconfigFile(cluster.dc, { user: OPERATOR_USER.name });
    operatorKubeconfigs.set(env.kubeconfigPath, env.operatorKubeconfigPath);
    env.client = clientFor(new KubeTransport(kubeConfig({ kubeconfigPath: env.kubeconfigPath })));
    await installCrds(env.client);
    await installAdmissionPolicy(env.client);
    for (let i = 0; i < (opts.operators ?? 1); i++) await env.startOperator();
    if (!env.operators[0]?.running) return;
    await env.operators[0].waitForLog((l) => l.message === 'controllers started', 20_000);
  });
  // A failed test shows what the operators said last: the cause is usually there.
  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const [i, p] of env.operators.entries())
      console.error(`--- operator ${i} (last lines) ---\n${p.tail(40)}`);
  });
  return env;
}

/** Runs kubectl against the suite's devcluster. */
export function kubectlIn(
  env: OperatorEnv,
  args: string[],
  input?: string,
): Promise<KubectlResult> {
  return kubectl(args, {
    kubeconfigPath: env.kubeconfigPath,
    ...(input !== undefined ? { input } : {}),
  });
}

/** `kubectl apply -f -` of the objects; fails the test unless kubectl exits 0. */
export async function apply(env: OperatorEnv, ...objects: object[]): Promise<string> {
  const yaml = objects.map((o) => stringify(o)).join('---\n');
  const r = await kubectlIn(env, ['apply', '-f', '-'], yaml);
  expect(r.code, r.stderr).to.equal(0);
  return r.stdout;
}

/** The SchemaMigration as stored, or undefined. */
export function readSmig(
  env: OperatorEnv,
  namespace: string,
  name: string,
): Promise<SchemaMigration | undefined> {
  return env.client.resource<SchemaMigration>(schemaMigrations).find({ namespace, name });
}

/** A condition of a SchemaMigration, by type. */
export function condition(obj: SchemaMigration | undefined, type: string) {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

/** True when condition `type` has `status` (and `reason`, when given). */
export function hasCondition(type: string, status: string, reason?: string) {
  return (o: SchemaMigration | undefined): boolean => {
    const c = condition(o, type);
    return c?.status === status && (reason === undefined || c.reason === reason);
  };
}

/** Polls the API every 20 ms until the SchemaMigration satisfies `pred`; returns it. */
export async function waitForSmig(
  env: OperatorEnv,
  namespace: string,
  name: string,
  pred: (o: SchemaMigration | undefined) => boolean,
  timeoutMs = 10_000,
): Promise<SchemaMigration> {
  const deadline = Date.now() + timeoutMs;
  let last: SchemaMigration | undefined;
  for (;;) {
    last = await readSmig(env, namespace, name);
    if (pred(last)) return last!;
    if (Date.now() > deadline)
      throw new Error(
        `${namespace}/${name}: condition not met in ${timeoutMs} ms; status:\n` +
          JSON.stringify(last?.status, null, 2),
      );
    await sleep(20);
  }
}

/** An events.k8s.io/v1 Event, the fields the tests read. */
export interface EventV1 extends KubeObject {
  reason?: string;
  note?: string;
  type?: string;
  regarding?: { kind?: string; name?: string; namespace?: string };
}

/** The events.k8s.io/v1 Events of a namespace. */
export async function eventsIn(env: OperatorEnv, namespace: string): Promise<EventV1[]> {
  return (await env.client.resource<EventV1>(eventResource).list({ namespace })).items;
}

/** Waits until an Event about `name` with `reason` exists in `namespace`. */
export async function waitForEvent(
  env: OperatorEnv,
  namespace: string,
  name: string,
  reason: string,
  timeoutMs = 5_000,
): Promise<EventV1> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await eventsIn(env, namespace)).find(
      (e) => e.reason === reason && e.regarding?.name === name,
    );
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no ${reason} Event about ${namespace}/${name}`);
    await sleep(50);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
