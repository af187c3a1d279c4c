/**
 * Benchmark (issue 9): fleet scale. 200 SchemaMigrations, each its own
 * database on the runner's PostgreSQL server with the three small inline
 * migrations of `fleet-objects.ts`, and up to 5000 Organizations (org i
 * names SchemaMigration i mod 200, and has a namespace of its own), all
 * created at once on a fresh devcluster; the operator runs as separate
 * `schema-operator run` processes (with two shards, each behind a recording proxy).
 *
 * Configurations: 500, 1000, 2500 and 5000 orgs with `--workers 4` (how
 * cost grows), 5000 with `--workers 2` and `1` (`--workers` is what bounds
 * concurrent migrations: the SchemaMigration controller's reconciles), and
 * 5000 split by two shards (`--selector shard=a|b`, shard a holding the
 * first 100 SchemaMigrations and their orgs). Measured per configuration:
 * time until every org and SchemaMigration is Ready, API requests per
 * object (devcluster counters, the benchmark's own creates taken out), peak
 * RSS and CPU seconds of each operator process (/proc), and for the
 * sharded run the orgs written by both shards (must be none). The
 * convergence curves go to docs/img/fleet-convergence.png.
 *
 * The floor: the same objects created with no operator running (`no
 * operator`), the time the API (the devcluster) needs to take them and tell
 * the benchmark's watches, under any "all Ready".
 *
 * BENCH_FLEET_SIZES (default 500,1000,2500,5000), BENCH_FLEET_SMIGS (200),
 * BENCH_FLEET_ONLY (label fragments, e.g. `workers 1,shards`, or split on
 * `;` when it holds one: `5000 orgs, workers 4;no operator`) and
 * BENCH_FLEET_PLOT (the PNG's path; the raw results go next to it as .json)
 * override the defaults. BENCH_FLEET_BASELINE (or BENCH_BASELINE) names another checkout with a
 * built `dist/`: each configuration then runs with that build's operator
 * too, just before this one's, and a table of ratios (this / baseline) is
 * printed. BENCH_FLEET_NODE_ARGS (space-separated) go to the operator
 * processes' node, e.g. `--cpu-prof --cpu-prof-dir=DIR`;
 * BENCH_FLEET_THIS_NODE_ARGS to this build's only (with BENCH_FLEET_BASELINE
 * naming this same checkout: a V8 flag against none, in one run).
 * BENCH_FLEET_LOG_DIR keeps each operator's whole output there, at
 * BENCH_FLEET_LOG_LEVEL (default info). Each configuration starts after a
 * CHECKPOINT, and also reports the PostgreSQL server's CPU and the sessions
 * opened on the fleet's databases over the timed span.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildNodeFlags, buildOf, THIS_BUILD } from './baseline.js';
import { lineChartPng } from './plot.js';
import { runFleet, type FleetConfig, type FleetResult } from './fleet-run.js';
import { createDatabase, dropDatabase, withClient, type BenchContext } from './context.js';
import { markdownTable, median, ratio } from './table.js';

const SIZES = (process.env.BENCH_FLEET_SIZES ?? '500,1000,2500,5000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SMIGS = Number(process.env.BENCH_FLEET_SMIGS ?? 200);
const PLOT =
  process.env.BENCH_FLEET_PLOT ??
  resolve(import.meta.dirname, '..', '..', '..', 'docs', 'img', 'fleet-convergence.png');

/** Only configurations whose label contains one of these fragments; all when unset. */
const ONLY = onlyFragments(process.env.BENCH_FLEET_ONLY);
/**
 * BENCH_FLEET_ONLY's fragments: split on `;` when it has one (labels hold
 * commas: `5000 orgs, workers 4;no operator`), else on commas as before.
 */
export function onlyFragments(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  return text
    .split(text.includes(';') ? ';' : ',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Another checkout whose build runs each configuration too. */
const BASELINE = process.env.BENCH_FLEET_BASELINE ?? process.env.BENCH_BASELINE;
const words = (text: string | undefined) => text?.split(' ').filter(Boolean) ?? [];
const NODE_ARGS = words(process.env.BENCH_FLEET_NODE_ARGS);
const THIS_NODE_ARGS = words(process.env.BENCH_FLEET_THIS_NODE_ARGS);
/** Pairs of runs per configuration with a baseline, the order swapped in every other pair. */
const PAIRS = Math.max(1, Number(process.env.BENCH_FLEET_PAIRS ?? 1) || 1);
const THIS = THIS_BUILD.name;

/** Every configuration (or those BENCH_FLEET_ONLY names), in the order run. */
export function configurations(
  o: {
    sizes: number[];
    only?: string[];
    baseline?: string;
    nodeArgs?: string[];
    thisNodeArgs?: string[];
    pairs?: number;
  } = {
    sizes: SIZES,
    only: ONLY,
    baseline: BASELINE,
    nodeArgs: NODE_ARGS,
    thisNodeArgs: THIS_NODE_ARGS,
    pairs: PAIRS,
  },
): FleetConfig[] {
  const max = Math.max(...o.sizes);
  const all: FleetConfig[] = [
    { label: `${max} orgs, no operator`, orgs: max, workers: 0, shards: 0 },
    ...o.sizes.map((orgs) => ({ label: `${orgs} orgs, workers 4`, orgs, workers: 4, shards: 1 })),
    { label: `${max} orgs, workers 2`, orgs: max, workers: 2, shards: 1 },
    { label: `${max} orgs, workers 1`, orgs: max, workers: 1, shards: 1 },
    { label: `${max} orgs, 2 shards, workers 4`, orgs: max, workers: 4, shards: 2 },
  ];
  const chosen = o.only ? all.filter((c) => o.only!.some((f) => c.label.includes(f))) : all;
  const pairs = o.baseline ? (o.pairs ?? 1) : 1;
  // The second run of a pair goes on a server and machine the first warmed: swapping the
  // order in every other pair (baseline, this; this, baseline; ...) cancels that out.
  const orders = Array.from({ length: pairs }, (_, p) => {
    const builds = o.baseline ? [buildOf(o.baseline), THIS_BUILD] : [THIS_BUILD];
    return { suffix: pairs > 1 ? ` #${p + 1}` : '', builds: p % 2 ? builds.reverse() : builds };
  });
  return chosen.flatMap((c) =>
    c.shards === 0
      ? [c]
      : orders.flatMap(({ suffix, builds }) =>
          builds.map((build) => ({
            ...c,
            label: o.baseline ? `${c.label}${suffix} [${build.name}]` : c.label,
            build,
            // Each build runs as its Deployment runs it (NODE_OPTIONS), then the variables' flags.
            nodeArgs: [
              ...buildNodeFlags(build),
              ...(o.nodeArgs ?? []),
              ...(build.name === THIS ? (o.thisNodeArgs ?? []) : []),
            ],
          })),
        ),
  );
}

/** Empties a database between runs (faster than a new one). */
async function resetDatabase(ctx: BenchContext, db: string): Promise<void> {
  await withClient(ctx.server.url(db), (c) =>
    c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public'),
  );
}

async function eachLimited<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
    }),
  );
}

/** The commit measured, and whether src/ had uncommitted changes (others edit it concurrently). */
function gitDescribe(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', 'src'], {
      encoding: 'utf8',
    }).trim();
    return dirty
      ? `${head} with uncommitted changes in src/ (${dirty.split('\n').length} files)`
      : head;
  } catch {
    return '?';
  }
}

const sec = (ms: number) => (ms / 1000).toFixed(1);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The main table: one row per configuration. */
function resultsTable(results: FleetResult[]): string {
  return markdownTable(
    [
      'configuration',
      'objects',
      'all Ready s',
      'last smig Ready s',
      'API req/object',
      'writes/object',
      'peak RSS MiB (per process)',
      'operator CPU s',
      'devcluster CPU s',
      'PostgreSQL CPU s',
      'DB sessions',
    ],
    results.map((r) => [
      r.config.label,
      String(r.objects),
      sec(r.readyMs),
      sec(r.smigReadyMs),
      (r.requests / r.objects).toFixed(2),
      (r.writes / r.objects).toFixed(2),
      r.usage.map((u) => u.peakRssMiB.toFixed(0)).join(' + '),
      sum(r.usage.map((u) => u.cpuSeconds)).toFixed(1),
      r.devclusterCpuSeconds.toFixed(1),
      r.postgresCpuSeconds.toFixed(1),
      String(r.dbSessions),
    ]),
  );
}

/** How cost grows with the fleet: per-object figures and their ratio to the smallest run. */
function scalingTable(results: FleetResult[]): string {
  const runs = results.filter(
    (r) =>
      r.config.shards === 1 && r.config.workers === 4 && (r.config.build?.name ?? THIS) === THIS,
  );
  const base = runs[0];
  if (!base) return '';
  const per = (r: FleetResult) => ({
    ms: r.readyMs / r.config.orgs,
    req: r.requests / r.objects,
    cpu: (1000 * sum(r.usage.map((u) => u.cpuSeconds))) / r.objects,
    rss: r.usage[0]!.peakRssMiB,
  });
  const b = per(base);
  return markdownTable(
    [
      'orgs',
      'ms to Ready per org',
      'ratio',
      'requests per object',
      'ratio',
      'operator CPU ms per object',
      'ratio',
      'peak RSS MiB',
      'ratio',
    ],
    runs.map((r) => {
      const p = per(r);
      return [
        String(r.config.orgs),
        p.ms.toFixed(2),
        ratio(p.ms / b.ms),
        p.req.toFixed(2),
        ratio(p.req / b.req),
        p.cpu.toFixed(2),
        ratio(p.cpu / b.cpu),
        p.rss.toFixed(0),
        ratio(p.rss / b.rss),
      ];
    }),
  );
}

/** This build against the baseline, per configuration run with both: this / baseline. */
export function baselineTable(results: FleetResult[]): string {
  const base = new Map(
    results
      .filter((r) => r.config.build?.name === 'baseline')
      .map((r) => [r.config.label.replace(' [baseline]', ''), r]),
  );
  const rss = (x: FleetResult) => Math.max(...x.usage.map((u) => u.peakRssMiB));
  const cpu = (x: FleetResult) => sum(x.usage.map((u) => u.cpuSeconds));
  const pairs = results.flatMap((r) => {
    const label = r.config.label.replace(` [${THIS}]`, '');
    const b = base.get(label);
    if (!b || r === b) return [];
    const ratios = [
      r.readyMs / b.readyMs,
      rss(r) / rss(b),
      cpu(r) / cpu(b),
      r.requests / b.requests,
    ];
    return [{ label, b, r, ratios }];
  });
  if (pairs.length === 0) return '';
  const rows = pairs.map(({ label, b, r, ratios }) => [
    label,
    `${sec(b.readyMs)} -> ${sec(r.readyMs)}`,
    ratio(ratios[0]!),
    `${rss(b).toFixed(0)} -> ${rss(r).toFixed(0)}`,
    ratio(ratios[1]!),
    `${cpu(b).toFixed(1)} -> ${cpu(r).toFixed(1)}`,
    ratio(ratios[2]!),
    `${(b.requests / b.objects).toFixed(2)} -> ${(r.requests / r.objects).toFixed(2)}`,
    ratio(ratios[3]!),
  ]);
  // With BENCH_FLEET_PAIRS, the median of each ratio over the pairs.
  if (pairs.length > 1) {
    const col = (i: number) => ratio(median(pairs.map((p) => p.ratios[i]!)));
    rows.push(['median of the pairs', '', col(0), '', col(1), '', col(2), '', col(3)]);
  }
  return markdownTable(
    [
      'configuration',
      'all Ready s',
      'ratio',
      'peak RSS MiB (largest process)',
      'ratio',
      'operator CPU s',
      'ratio',
      'API req/object',
      'ratio',
    ],
    rows,
  );
}

/** The sharded run: who wrote what. */
function shardTable(results: FleetResult[]): string {
  return markdownTable(
    ['configuration', 'orgs written per shard', 'outside its shard', 'written by both'],
    results
      .filter((r) => r.shards)
      .map((r) => [
        r.config.label,
        r.shards!.map((s) => `${s.name}: ${s.orgsWritten}`).join(', '),
        String(sum(r.shards!.map((s) => s.foreign))),
        String(r.writtenByBoth),
      ]),
  );
}

/** Runs the benchmark and returns its tables. */
export async function fleetBenchmark(ctx: BenchContext): Promise<string> {
  const dbs: string[] = [];
  try {
    for (let i = 0; i < SMIGS; i++) dbs.push(await createDatabase(ctx, 'fleet'));
    const results: FleetResult[] = [];
    for (const config of configurations()) {
      console.error(`fleet: ${config.label} ...`);
      const r = await runFleet(ctx, dbs, config);
      console.error(
        `fleet: ${config.label}: ${JSON.stringify({ readyMs: Math.round(r.readyMs), requests: r.requests, byRequest: r.byRequest, usage: r.usage })}`,
      );
      results.push(r);
      // Kept as it comes, so an interrupted run still leaves its curves (BENCH_FLEET_PLOT + .json).
      writeFileSync(
        `${PLOT}.json`,
        // The build by name only: its entry point is a path of the machine that ran it.
        JSON.stringify(
          results.map((x) => ({ ...x, config: { ...x.config, build: x.config.build?.name } })),
        ),
      );
      await eachLimited(dbs, 8, (db) => resetDatabase(ctx, db));
    }
    writeFileSync(
      PLOT,
      lineChartPng({
        title: `Organizations Ready over time (${SMIGS} SchemaMigrations, 2-core machine)`,
        xLabel: 'seconds since the first create',
        yLabel: 'Organizations Ready',
        series: results
          .filter((r) => r.series.length > 0)
          .map((r) => ({ label: r.config.label, points: r.series })),
      }),
    );
    console.error(`fleet: plot written to ${PLOT}`);
    return [
      `commit ${gitDescribe()}.`,
      `${SMIGS} SchemaMigrations (one database each, 3 inline migrations), orgs created at once.`,
      '',
      resultsTable(results),
      '',
      baselineTable(results),
      '',
      scalingTable(results),
      '',
      shardTable(results),
    ].join('\n');
  } finally {
    await eachLimited(dbs, 8, (db) => dropDatabase(ctx, db));
  }
}
