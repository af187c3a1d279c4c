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
import { organizations } from '../../src/controllers/organization/setup.js';
import type { KubeObject } from '../../src/kube/index.js';
import { CLI } from '../support/cli.js';
import { withDatabase, type BenchContext } from './context.js';
import { withBenchCluster, type BenchCluster } from './harness.js';
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

type Obj = KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } };

function ready(o: Obj | undefined): boolean {
  return !!o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

function writes(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts)) if (WRITE_VERBS.has(k.split(' ')[0]!)) out[k] = n;
  return out;
}

function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

async function until(what: string, ms: number, fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the benchmark and returns its table. */
export async function orgsBenchmark(ctx: BenchContext): Promise<string> {
  return withDatabase(ctx, 'orgs', (db) =>
    withBenchCluster(ctx, { name: 'orgs' }, (cluster) => measure(ctx, cluster, db)),
  );
}

/** The measurement, on a cluster and a database of its own. */
async function measure(ctx: BenchContext, cluster: BenchCluster, db: string): Promise<string> {
  const { dc, client, kubeconfigPath } = cluster;
  await cluster.namespace('streamspace');
  await cluster.urlSecret('streamspace', 'streamspace-db', ctx.server.url(db));
  await client.resource<KubeObject>(smigRef).create({
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'streamspace-api', namespace: 'streamspace' },
    spec: {
      database: { urlSecretRef: { name: 'streamspace-db', key: 'url' } },
      source: { bundled: 'streamspace' },
      allowOrganizations: true,
    },
  });
  const heapMb = process.env.BENCH_OPERATOR_HEAP_MB;
  const operator = spawn(
    process.execPath,
    [
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
      CLI,
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
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  operator.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
  const exited = new Promise((r) => operator.on('close', r));
  try {
    const smigs = client.resource<Obj>(smigRef);
    await until('the SchemaMigration Ready', 120_000, async () =>
      ready(await smigs.find({ namespace: 'streamspace', name: 'streamspace-api' })),
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
    let readyCount = 0;
    await until(`${COUNT} orgs Ready`, 300_000, async () => {
      readyCount = (await orgs.list()).items.filter(ready).length;
      return readyCount === COUNT;
    });
    const readyMs = performance.now() - started;
    // Let trailing events land before counting.
    await new Promise((r) => setTimeout(r, 2000));
    const counts = writes(dc.faults.counts());
    const byOperator = { ...counts };
    delete byOperator['create organizations'];
    const operatorWrites = Object.values(byOperator).reduce((a, b) => a + b, 0);

    // A forced re-list: one unrelated write moves the revision past every informer's, then the
    // watch history is compacted to it and open watches end: every resume gets 410 and lists again.
    await cluster.core('serviceaccounts').create({
      metadata: { name: 'relist', namespace: 'default' },
    });
    dc.faults.reset();
    dc.faults.compactHistory();
    dc.faults.closeWatches();
    await new Promise((r) => setTimeout(r, 8000));
    const all = dc.faults.counts();
    const relists = Object.entries(all)
      .filter(([k]) => k.startsWith('list '))
      .reduce((a, [, n]) => a + n, 0);
    const relistWrites = Object.values(writes(all)).reduce((a, b) => a + b, 0);
    const rss = peakRssMb(operator.pid!);

    const rows = [
      ['organizations applied (own namespace each)', String(COUNT), ''],
      ['all created (client side)', `${(appliedMs / 1000).toFixed(1)} s`, ''],
      ['all Ready', `${(readyMs / 1000).toFixed(1)} s`, 'at most 30 s'],
      ['all Ready, after the last create', `${((readyMs - appliedMs) / 1000).toFixed(1)} s`, ''],
      ['API writes per org, Events included', (operatorWrites / COUNT).toFixed(2), 'at most 3'],
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
    console.error(`orgs: ${JSON.stringify({ byOperator, relists, relistWrites, rss, readyMs })}`);
    return markdownTable(['measure', 'value', 'goal'], rows);
  } catch (err) {
    console.error(`orgs: operator stderr tail:\n${stderr}`);
    throw err;
  } finally {
    operator.kill('SIGTERM');
    await exited;
  }
}
