/**
 * Benchmark for issue #13, finding 5: ConfigMaps that no SchemaMigration
 * names must not move the operator's memory. Two runs of the same setup (a
 * devcluster in this process, the operator as a `schema-operator run`
 * process, one SchemaMigration reading one small ConfigMap): the baseline
 * without anything else, then with 200 unrelated ConfigMaps of about 900 KB
 * (half before the operator starts, so its first list sees them, half while
 * it runs, so its watch does), each then changed once. Reported: the
 * operator's peak and final resident memory in each run, and their ratio.
 */
import { readFileSync } from 'node:fs';
import { API_VERSION, type SchemaMigration } from '../../src/api/index.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import type { KubeObject } from '../../src/kube/index.js';
import { withDatabase, type BenchContext } from './context.js';
import { isReady, until } from '../support/poll.js';
import { controllersStarted, withBenchCluster } from './harness.js';
import { sampleProcess } from './proc-stats.js';
import { markdownTable, ratio } from './table.js';

const NS = 'bench';
const UNRELATED = 200;
const SIZE = 900 * 1024;
type Smig = SchemaMigration;

interface RunResult {
  peakMiB: number;
  finalMiB: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One run: the operator from start to a Ready CR, with `unrelated` large ConfigMaps around. */
function run(ctx: BenchContext, unrelated: number): Promise<RunResult> {
  return withDatabase(ctx, 'configmaps', (db) =>
    withBenchCluster(ctx, { name: 'configmaps' }, async (cluster) => {
      const cms = cluster.core('configmaps');
      await cluster.namespace(NS);
      await cluster.urlSecret(NS, 'db', ctx.server.url(db));
      await cms.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app-migrations', namespace: NS },
        data: { '001_t.sql': 'CREATE TABLE t (id int);' },
      } as KubeObject);
      const junk = (i: number, fill: string) =>
        ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `unrelated-${i}`, namespace: NS },
          data: { 'blob.txt': fill.repeat(SIZE) },
        }) as KubeObject;
      const half = Math.floor(unrelated / 2);
      for (let i = 0; i < half; i++) await cms.create(junk(i, 'a'));

      // Sampling starts before the controllers do: the start-up peak counts too.
      const operator = cluster.operator({ logLevel: 'info' });
      await operator.start();
      const usage = sampleProcess(operator.pid!, 100);
      await controllersStarted(operator, 60_000);
      for (let i = half; i < unrelated; i++) await cms.create(junk(i, 'b'));
      for (let i = 0; i < unrelated; i++) await cms.replace(junk(i, 'c'));

      const smigs = cluster.client.resource<Smig>(schemaMigrations);
      await smigs.create({
        apiVersion: API_VERSION,
        kind: 'SchemaMigration',
        metadata: { name: 'app', namespace: NS },
        spec: {
          database: { urlSecretRef: { name: 'db', key: 'url' } },
          source: { configMaps: [{ name: 'app-migrations' }] },
        },
      } as Smig);
      await until(
        'the SchemaMigration Ready',
        60_000,
        async () => isReady(await smigs.get({ namespace: NS, name: 'app' })),
        100,
      );
      // Let the watch events and any garbage settle before the last sample.
      await sleep(3_000);
      const { peakRssMiB } = usage.stop();
      const status = readFileSync(`/proc/${operator.pid}/status`, 'utf8');
      const finalMiB = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
      console.error(`configmaps: ${unrelated} unrelated: peak ${peakRssMiB.toFixed(1)} MiB`);
      return { peakMiB: peakRssMiB, finalMiB };
    }),
  );
}

/** Runs the baseline and the run with unrelated ConfigMaps; returns the Markdown table. */
export async function configMapsBenchmark(ctx: BenchContext): Promise<string> {
  const baseline = await run(ctx, 0);
  const loaded = await run(ctx, UNRELATED);
  const mib = (x: number) => x.toFixed(1);
  const total = ((UNRELATED * SIZE) / 2 ** 20).toFixed(0);
  return markdownTable(
    ['run', 'unrelated ConfigMaps', 'peak RSS MiB', 'final RSS MiB', 'peak vs baseline'],
    [
      ['baseline', '0', mib(baseline.peakMiB), mib(baseline.finalMiB), ratio(1)],
      [
        'unrelated',
        `${UNRELATED} x 900 KB (${total} MiB), each changed once`,
        mib(loaded.peakMiB),
        mib(loaded.finalMiB),
        ratio(loaded.peakMiB / baseline.peakMiB),
      ],
    ],
  );
}
