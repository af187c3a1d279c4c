/**
 * Benchmark 5 (issue 4): a SchemaMigration from create to Ready. A
 * devcluster runs in this process with the CRDs installed; the operator runs
 * as a separate `schema-operator run` process, as in production. Each of 50
 * CRs (one after another, after one warm-up) has one trivial inline
 * migration and its own history table in a schema of its own, in one
 * database. Timed from the create request to the watch event that shows
 * Ready=True. Goal: median and p95 at most 300 ms.
 */
import { API_VERSION, type SchemaMigration } from '../../src/api/index.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import type { KubeClient } from '../../src/kube/index.js';
import { roundsOf, withDatabase, type BenchContext } from './context.js';
import { withBenchCluster } from './harness.js';
import { LATENCY_HEADER, latency, markdownTable } from './table.js';

const NS = 'bench';
const GOAL_MS = 300;
type Smig = SchemaMigration;

/** Resolves `ready(name)` once a watch event shows that CR Ready=True. */
function readyWatcher(client: KubeClient, signal: AbortSignal) {
  const seen = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const start = async () => {
    const r = client.resource<Smig>(schemaMigrations);
    const { resourceVersion } = await r.list({ namespace: NS });
    void r
      .watch({ namespace: NS, resourceVersion, signal }, (e) => {
        const name = e.object.metadata?.name ?? '';
        const ready = e.object.status?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        );
        if (!ready || seen.has(name)) return;
        const at = performance.now();
        seen.set(name, at);
        waiting.get(name)?.(at);
      })
      .catch(() => undefined);
  };
  const ready = (name: string, timeoutMs = 30_000) =>
    new Promise<number>((resolve, reject) => {
      const at = seen.get(name);
      if (at !== undefined) return resolve(at);
      const timer = setTimeout(
        () => reject(new Error(`${name}: not Ready in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiting.set(name, (t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  return { start, ready };
}

function cr(name: string): Smig {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name, namespace: NS },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: {
        inline: [
          {
            version: '001',
            name: 'one',
            sql: `CREATE TABLE s_${name.replace(/-/g, '_')}.t (id int);`,
          },
        ],
      },
      historyTable: { schema: `s_${name.replace(/-/g, '_')}`, name: 'history' },
    },
  } as Smig;
}

/** Runs the benchmark and returns its Markdown table. */
export async function readyBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 50);
  return withDatabase(ctx, 'ready', (db) =>
    withBenchCluster(ctx, { name: 'ready' }, async (cluster) => {
      const abort = new AbortController();
      try {
        await cluster.namespace(NS);
        await cluster.urlSecret(NS, 'db', ctx.server.url(db));
        await cluster.startOperator({ logLevel: 'info' });
        const watcher = readyWatcher(cluster.client, abort.signal);
        await watcher.start();
        const smigs = cluster.client.resource<Smig>(schemaMigrations);

        const times: number[] = [];
        for (let i = 0; i <= rounds; i++) {
          const name = i === 0 ? 'warmup' : `cr-${i}`;
          const t0 = performance.now();
          await smigs.create(cr(name));
          const ms = (await watcher.ready(name)) - t0;
          if (i > 0) times.push(ms);
          console.error(`ready: ${name} ${Math.round(ms)} ms`);
        }
        const l = latency(times);
        return markdownTable(
          ['CRs', ...LATENCY_HEADER, 'goal', 'met'],
          [
            [
              String(times.length),
              ...l.cells,
              `median and p95 <= ${GOAL_MS} ms`,
              l.within(GOAL_MS) ? 'yes' : 'no',
            ],
          ],
        );
      } finally {
        abort.abort();
      }
    }),
  );
}
