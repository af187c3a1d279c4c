/**
 * Benchmark (issue 5): 2000 Organizations applied at once on a devcluster,
 * each with its own namespace, reconciled by the operator running as its own
 * process (`schema-operator run`) against a migrated PostgreSQL 18 database.
 * Measured: time until every org is Ready, API writes per org (the
 * devcluster's request counters), writes during a forced re-list with
 * nothing changed, and the operator's peak RSS (VmHWM).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { organizations } from '../../src/controllers/resources.js';
import type { Unstructured } from '../../src/kube/index.js';
import { CLI } from '../support/cli.js';
import { withDatabase, type BenchContext } from './context.js';
import { isReady, until } from '../support/poll.js';
import { withBenchCluster, type BenchCluster } from './harness.js';
import { builds, checkoutOf, deploymentNodeFlags, sideBySide, type Build } from './baseline.js';
import { markdownTable } from './table.js';

/** Organizations applied at once. */
const COUNT = Number(process.env.BENCH_ORGS ?? 2000);
/** Creates in flight from the benchmark (kubectl apply of a big file does them one by one; this is faster). */
const CONCURRENCY = 64;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

const smigRef = {
  group: 'schema.streamspace.io',
  version: 'v1alpha1',
  plural: 'schemamigrations',
  namespaced: true,
};

/** An object whose Ready condition is read. */
type Obj = Unstructured & { status?: unknown };

/** Counts only the write verbs of the devcluster's request counters. */
export function writes(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts)) if (WRITE_VERBS.has(k.split(' ')[0]!)) out[k] = n;
  return out;
}

export const sum = (counts: Record<string, number>) =>
  Object.values(counts).reduce((a, b) => a + b, 0);

/** The peak resident set of process `pid`, in MB. */
export function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

/** Runs the benchmark (once per build: `BENCH_BASELINE`, baseline.ts) and returns its table. */
export async function orgsBenchmark(ctx: BenchContext): Promise<string> {
  const runs: string[][][] = [];
  for (const build of builds()) runs.push(await orgsRun(ctx, build));
  return runs.length === 2 ? sideBySide(runs[0]!, runs[1]!) : markdownTable(HEADER, runs[0]!);
}

/** One run of the benchmark with the operator of `build`: the table's rows. */
async function orgsRun(ctx: BenchContext, build: Build): Promise<string[][]> {
  return withDatabase(ctx, 'orgs', (db) =>
    withBenchCluster(ctx, { name: 'orgs' }, async (cluster) => {
      await seed(cluster, ctx.server.url(db));
      const heapMb = process.env.BENCH_OPERATOR_HEAP_MB;
      const operator = spawnOperator(cluster.kubeconfigPath, heapMb, [], build.cli);
      try {
        const applied = await applyOrgs(cluster);
        const relist = await forcedRelist(cluster);
        const rss = peakRssMb(operator.pid);
        const { byOperator, readyMs } = applied;
        console.error(
          `orgs [${build.name}]: ${JSON.stringify({ byOperator, ...relist, rss, readyMs })}`,
        );
        return rows(applied, relist, rss, heapMb);
      } catch (err) {
        console.error(`orgs: operator stderr tail:\n${operator.stderrTail()}`);
        throw err;
      } finally {
        await operator.stop();
      }
    }),
  );
}

/** The organizations' SchemaMigration, its namespace and its database Secret. */
export async function seed(cluster: BenchCluster, url: string): Promise<void> {
  await cluster.namespace('streamspace');
  await cluster.urlSecret('streamspace', 'streamspace-db', url);
  await cluster.client.resource<Unstructured>(smigRef).create({
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'streamspace-api', namespace: 'streamspace' },
    spec: {
      database: { urlSecretRef: { name: 'streamspace-db', key: 'url' } },
      source: { bundled: 'streamspace' },
      allowOrganizations: true,
    },
  });
}

/**
 * The operator as production runs it: warnings only, no health server, the
 * heap limit BENCH_OPERATOR_HEAP_MB sets (so not through `OperatorProcess`,
 * which needs its info lines).
 */
export function spawnOperator(
  kubeconfigPath: string,
  heapMb: string | undefined,
  extraArgs: readonly string[] = [],
  cli = CLI,
) {
  const operator = spawn(
    process.execPath,
    [
      // As its Deployment runs it (NODE_OPTIONS); BENCH_OPERATOR_HEAP_MB's cap overrides.
      ...deploymentNodeFlags(checkoutOf(cli)),
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
      // E.g. `--heap-prof --heap-prof-dir=DIR` to see where the memory goes.
      ...(process.env.BENCH_OPERATOR_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      cli,
      'run',
      '--kubeconfig',
      kubeconfigPath,
      '--no-leader-elect',
      '--bind-address',
      '',
      '--default-database-ref',
      'streamspace/streamspace-api',
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  operator.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
  const exited = new Promise((r) => operator.on('close', r));
  return {
    pid: operator.pid!,
    stderrTail: () => stderr,
    async stop() {
      operator.kill('SIGTERM');
      await exited;
    },
  };
}

/** What applying the organizations took: times from the first create, and the operator's writes. */
interface Applied {
  appliedMs: number;
  readyMs: number;
  byOperator: Record<string, number>;
}

/** Once the SchemaMigration is Ready, creates every org at once and waits until all are Ready. */
async function applyOrgs({ client, dc }: BenchCluster): Promise<Applied> {
  const smigs = client.resource<Obj>(smigRef);
  await until(
    'the SchemaMigration Ready',
    120_000,
    async () => isReady(await smigs.find({ namespace: 'streamspace', name: 'streamspace-api' })),
    100,
  );
  const orgs = client.resource<Obj>(organizations);
  dc.faults.reset();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < COUNT; i = next++) {
        await orgs.create({
          apiVersion: 'schema.streamspace.io/v1alpha1',
          kind: 'Organization',
          metadata: { name: `org-${i}` },
          spec: { displayName: `Organization ${i}`, namespace: `org-${i}` },
        });
      }
    }),
  );
  const appliedMs = performance.now() - started;
  await until(
    `${COUNT} orgs Ready`,
    300_000,
    async () => (await orgs.list()).items.filter(isReady).length === COUNT,
    100,
  );
  const readyMs = performance.now() - started;
  // Let trailing events land before counting.
  await new Promise((r) => setTimeout(r, 2000));
  const byOperator = writes(dc.faults.counts());
  delete byOperator['create organizations'];
  return { appliedMs, readyMs, byOperator };
}

/**
 * A forced re-list: one unrelated write moves the revision past every
 * informer's, then the watch history is compacted to it and open watches
 * end: every resume gets 410 and lists again. Counts the lists and writes.
 */
export async function forcedRelist({ dc, core }: BenchCluster) {
  await core('serviceaccounts').create({ metadata: { name: 'relist', namespace: 'default' } });
  dc.faults.reset();
  dc.faults.compactHistory();
  dc.faults.closeWatches();
  await new Promise((r) => setTimeout(r, 8000));
  const all = dc.faults.counts();
  const relists = Object.entries(all)
    .filter(([k]) => k.startsWith('list '))
    .reduce((a, [, n]) => a + n, 0);
  return { relists, relistWrites: sum(writes(all)) };
}

const HEADER = ['measure', 'value', 'goal'];

function rows(
  { appliedMs, readyMs, byOperator }: Applied,
  { relists, relistWrites }: { relists: number; relistWrites: number },
  rss: number,
  heapMb: string | undefined,
): string[][] {
  return [
    ['organizations applied (own namespace each)', String(COUNT), ''],
    ['all created (client side)', `${(appliedMs / 1000).toFixed(1)} s`, ''],
    ['all Ready', `${(readyMs / 1000).toFixed(1)} s`, 'at most 30 s'],
    ['all Ready, after the last create', `${((readyMs - appliedMs) / 1000).toFixed(1)} s`, ''],
    ['API writes per org, Events included', (sum(byOperator) / COUNT).toFixed(2), 'at most 3'],
    ...Object.entries(byOperator)
      .sort()
      .map(([k, n]) => [`  ${k}`, (n / COUNT).toFixed(2), '']),
    ['lists during the forced re-list', String(relists), ''],
    ['API writes during the forced re-list', String(relistWrites), '0'],
    [
      `operator peak RSS (VmHWM)${heapMb ? `, --max-old-space-size=${heapMb}` : ''}`,
      `${rss.toFixed(0)} MB`,
      'at most 200 MB',
    ],
  ];
}
