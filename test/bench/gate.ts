/**
 * Benchmark (issue 7): pod-gate latency, from a SchemaMigration becoming
 * Ready (at the version a pod needs) to that pod's scheduling gate being
 * gone, both as seen by watches in this process. A devcluster runs here with
 * the CRDs installed; the operator runs as a separate `schema-operator run`
 * process, as in production; migrations really apply to PostgreSQL.
 *
 * Two ways pods wait:
 * - burst: 200 gated pods wait for one SchemaMigration, created after them;
 *   all are released by the same Ready (the queue and patch throughput).
 * - rolling: one SchemaMigration gains one inline migration per round, and
 *   each round one new pod asks for that version (min-version) before it is
 *   applied; 200 rounds, one pod each (the latency of a single release).
 * Goal: median and p95 at most 500 ms.
 */
import { API_VERSION, type SchemaMigration } from '../../src/api/index.js';
import { pods as podsResource } from '../../src/controllers/resources.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import type { KubeClient, KubeObject } from '../../src/kube/index.js';
import { gatedPod, Timeline } from '../support/podgate-timeline.js';
import { roundsOf, withDatabase, type BenchContext } from './context.js';
import { withBenchCluster } from './harness.js';
import { LATENCY_HEADER, latency, markdownTable } from './table.js';

const GOAL_MS = 500;
type Smig = SchemaMigration;

/** Version `n` as three digits. */
const v = (n: number) => String(n).padStart(3, '0');

/** A SchemaMigration with `count` trivial inline migrations, its ledger in schema `ns`. */
function smig(ns: string, name: string, count: number): Smig {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name, namespace: ns },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { inline: inline(ns, count) },
      historyTable: { schema: ns, name: 'history' },
    },
  } as Smig;
}

function inline(schema: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    version: v(i + 1),
    name: `m${i + 1}`,
    sql: `CREATE TABLE ${schema}.t${i + 1} (id int);`,
  }));
}

/** A namespace with the Secret `db` pointing at `url`. */
async function namespace(client: KubeClient, ns: string, url: string): Promise<void> {
  const core = (plural: string) =>
    client.resource<KubeObject>({
      group: '',
      version: 'v1',
      plural,
      namespaced: plural !== 'namespaces',
    });
  await core('namespaces').create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await core('secrets').create({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: ns },
    stringData: { url },
  } as KubeObject);
}

/** 200 (or BENCH_ROUNDS) pods released by one Ready. */
async function burst(client: KubeClient, url: string, count: number): Promise<number[]> {
  const ns = 'burst';
  await namespace(client, ns, url);
  const t = new Timeline(client, ns);
  t.start();
  try {
    const pods = client.resource<KubeObject>(podsResource);
    const names = Array.from({ length: count }, (_, i) => `api-${i}`);
    for (const n of names) await pods.create(gatedPod(ns, n, 'api'));
    await client.resource<Smig>(schemaMigrations).create(smig(ns, 'api', 1));
    const ready = await t.until(() => t.readyAt('api'), 60_000, 'burst Ready');
    const released = await Promise.all(
      names.map((n) => t.until(() => t.releasedAt(n), 60_000, `${n} released`)),
    );
    return released.map((at) => at - ready);
  } finally {
    t.stop();
  }
}

/** One pod per round, waiting for the migration the round adds. */
async function rolling(client: KubeClient, url: string, rounds: number): Promise<number[]> {
  const ns = 'rolling';
  await namespace(client, ns, url);
  const t = new Timeline(client, ns);
  t.start();
  const smigs = client.resource<Smig>(schemaMigrations);
  const pods = client.resource<KubeObject>(podsResource);
  try {
    await smigs.create(smig(ns, 'api', 1));
    await t.until(() => t.readyAt('api', v(1)), 60_000, 'rolling Ready at 001');
    const times: number[] = [];
    for (let i = 2; i <= rounds + 1; i++) {
      await pods.create(gatedPod(ns, `api-${i}`, 'api', { minVersion: v(i) }));
      await smigs.mergePatch(
        { namespace: ns, name: 'api' },
        {
          spec: { source: { inline: inline(ns, i) } },
        },
      );
      const ready = await t.until(() => t.readyAt('api', v(i)), 60_000, `Ready at ${v(i)}`);
      const released = await t.until(() => t.releasedAt(`api-${i}`), 60_000, `api-${i}`);
      times.push(released - ready);
      if (i % 50 === 0)
        console.error(`gate: rolling round ${i - 1}: ${Math.round(released - ready)} ms`);
    }
    return times;
  } finally {
    t.stop();
  }
}

/** Runs the benchmark and returns its Markdown table. */
export async function gateBenchmark(ctx: BenchContext): Promise<string> {
  const count = roundsOf(ctx, 200);
  return withDatabase(ctx, 'gate', (db) =>
    withBenchCluster(ctx, { name: 'gate' }, async ({ client, startOperator }) => {
      // BENCH_GATE_WORKERS: `run --workers` (default the operator's 4).
      const workers = process.env.BENCH_GATE_WORKERS;
      await startOperator({ logLevel: 'info', extraArgs: workers ? ['--workers', workers] : [] });

      const url = ctx.server.url(db);
      const rows: string[][] = [];
      for (const [label, run] of [
        [`burst: ${count} pods, one Ready`, () => burst(client, url, count)],
        [`rolling: ${count} rounds, one pod each`, () => rolling(client, url, count)],
      ] as const) {
        const times = await run();
        const l = latency(times);
        console.error(
          `gate: ${label}: median ${Math.round(l.p50)} ms, p95 ${Math.round(l.p95)} ms`,
        );
        rows.push([label, String(times.length), ...l.cells, l.within(GOAL_MS) ? 'yes' : 'no']);
      }
      return markdownTable(
        ['pods wait', 'pods', ...LATENCY_HEADER, `median, p95 <= ${GOAL_MS} ms`],
        rows,
      );
    }),
  );
}
