/**
 * One run of the fleet benchmark: a fresh devcluster, the operator
 * processes (one, or one per shard each behind a recording proxy), the
 * SchemaMigrations and Organizations created at once, and watches in this
 * process that note when each object turns Ready. What the run measured is
 * returned; the databases are left for the caller to empty.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { organizations } from '../../src/controllers/resources.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import type { KubeClient, KubeObject } from '../../src/kube/index.js';
import type { OperatorProcess } from '../support/operator.js';
import type { BenchContext } from './context.js';
import { createAll, fleetOrganization, fleetSchemaMigration } from '../support/fleet-objects.js';
import { isReady, until } from '../support/poll.js';
import { controllersStarted, withBenchCluster, type BenchCluster } from './harness.js';
import { sampleProcess, serverCpuSeconds, type ProcUsage } from './proc-stats.js';
import { withClient } from './context.js';
import {
  kubeconfigVia,
  startRecordingProxy,
  type RecordingProxy,
} from '../support/recording-proxy.js';

/** The namespace of the SchemaMigrations and their Secrets. */
const NS = 'fleet';
/** Creates in flight from the benchmark. */
const CONCURRENCY = 64;
/** A run that has not converged by then has failed. */
const TIMEOUT_MS = 900_000;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
/** The operators' log level (`BENCH_FLEET_LOG_LEVEL`, e.g. `debug`). */
const LOG_LEVEL = process.env.BENCH_FLEET_LOG_LEVEL ?? 'info';
/** Where each operator's whole output is kept, when set (`BENCH_FLEET_LOG_DIR`). */
const LOG_DIR = process.env.BENCH_FLEET_LOG_DIR;
/** Points kept per convergence curve. */
const CURVE_POINTS = 400;

/** One configuration. */
export interface FleetConfig {
  label: string;
  orgs: number;
  /** `--workers`: concurrent SchemaMigration reconciles, so concurrent migrations. */
  workers: number;
  /** 1, or 2 for `--selector shard=a` and `shard=b`; 0 runs no operator (the API's floor). */
  shards: number;
  /** The build measured: `this`, or `baseline` with the entry point of that build. */
  build?: { name: string; cli?: string };
  /** Flags for the operator processes' node (`BENCH_FLEET_NODE_ARGS`, e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** What one shard wrote. */
export interface ShardWrites {
  name: string;
  orgsWritten: number;
  /** Orgs it wrote that carry another shard's label. */
  foreign: number;
}

/** What one run measured. */
export interface FleetResult {
  config: FleetConfig;
  /** Orgs plus SchemaMigrations. */
  objects: number;
  /** From the first create until every org and SchemaMigration is Ready. */
  readyMs: number;
  smigReadyMs: number;
  /** API requests of the operator processes (the benchmark's own creates taken out). */
  requests: number;
  writes: number;
  byRequest: Record<string, number>;
  /** Per operator process, from the first create until all Ready. */
  usage: ProcUsage[];
  /** CPU seconds of this process (the devcluster, the watches, the creates) over the same span. */
  devclusterCpuSeconds: number;
  /** CPU seconds of the PostgreSQL server (every backend) over the same span. */
  postgresCpuSeconds: number;
  /** Sessions opened on the fleet's databases over the same span (pg_stat_database.sessions). */
  dbSessions: number;
  /** Orgs Ready against seconds since the first create. */
  series: Array<[number, number]>;
  shards?: ShardWrites[];
  writtenByBoth: number;
}

/** Notes, from a watch, when each object of a resource first shows Ready=True. */
function readyTimes(
  client: KubeClient,
  resource: Parameters<KubeClient['resource']>[0],
  signal: AbortSignal,
): { started: Promise<void>; times: Map<string, number> } {
  const times = new Map<string, number>();
  const r = client.resource<KubeObject>(resource);
  const started = (async () => {
    const { resourceVersion } = await r.list();
    void r
      .watch({ resourceVersion, signal }, (e) => {
        const name = `${e.object.metadata?.namespace ?? ''}/${e.object.metadata?.name ?? ''}`;
        if (!times.has(name) && isReady(e.object as { status?: unknown }))
          times.set(name, performance.now());
      })
      .catch(() => undefined);
  })();
  return { started, times };
}

/** The convergence curve: (seconds, ready count), thinned to about CURVE_POINTS points. */
function curve(times: Iterable<number>, t0: number): Array<[number, number]> {
  const sorted = [...times].map((t) => (t - t0) / 1000).sort((a, b) => a - b);
  const step = Math.max(1, Math.floor(sorted.length / CURVE_POINTS));
  // Flat at zero until the first org is Ready (a step, not a ramp from the origin).
  const out: Array<[number, number]> = [
    [0, 0],
    [sorted[0] ?? 0, 0],
  ];
  sorted.forEach((s, i) => {
    if ((i + 1) % step === 0 || i === sorted.length - 1) out.push([s, i + 1]);
  });
  return out;
}

/**
 * A run with no operator: the time the benchmark needs to create every
 * object and hear of it on its watches, the floor under any "all Ready".
 */
function floorResult(
  config: FleetConfig,
  objects: number,
  t0: number,
  cpu0: NodeJS.CpuUsage,
): FleetResult {
  const readyMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    config,
    objects,
    readyMs,
    smigReadyMs: readyMs,
    requests: 0,
    writes: 0,
    byRequest: {},
    usage: [],
    devclusterCpuSeconds: (cpu.user + cpu.system) / 1e6,
    postgresCpuSeconds: 0,
    dbSessions: 0,
    series: [],
    writtenByBoth: 0,
  };
}

const shardName = (i: number) => String.fromCharCode(97 + i);

/** Runs one configuration against the databases `dbs` (one per SchemaMigration). */
export function runFleet(
  ctx: BenchContext,
  dbs: string[],
  config: FleetConfig,
): Promise<FleetResult> {
  return withBenchCluster(ctx, { name: 'fleet', devcluster: { eventHistory: 50_000 } }, (cluster) =>
    measure(ctx, cluster, dbs, config),
  );
}

/**
 * One operator process per shard; with two shards each goes through its own
 * recording proxy, to tell which shard wrote what. A single operator talks
 * to the devcluster directly: the proxy would run on the devcluster's
 * thread and double its HTTP work, and the devcluster counts requests itself.
 */
interface Shard {
  proxy?: RecordingProxy;
  operator: OperatorProcess;
}

/** Starts the operators of `config`, one per shard, and waits until their controllers run. */
async function startShards(cluster: BenchCluster, config: FleetConfig): Promise<Shard[]> {
  const { dc, dir } = cluster;
  const shards: Shard[] = [];
  for (let s = 0; s < config.shards; s++) {
    const proxy = config.shards > 1 ? await startRecordingProxy(dc.url) : undefined;
    if (proxy) cluster.defer(() => proxy.stop());
    const path = join(dir, `kubeconfig-${s}`);
    await writeFile(path, kubeconfigVia(dc.kubeconfig(), dc.url, proxy?.url ?? dc.url));
    const operator = cluster.operator({
      kubeconfigPath: path,
      leaderElect: true,
      logLevel: LOG_LEVEL,
      cli: config.build?.cli,
      nodeArgs: config.nodeArgs,
      extraArgs: [
        '--workers',
        String(config.workers),
        // The fleet's SchemaMigrations share one namespace: let it use every worker, as before.
        '--max-reconciles-per-namespace',
        String(config.workers),
        ...(config.shards > 1 ? ['--selector', `shard=${shardName(s)}`] : []),
      ],
    });
    shards.push({ proxy, operator });
    await operator.start();
  }
  for (const { operator } of shards) await controllersStarted(operator, 60_000);
  return shards;
}

/** The operators' requests by `verb resource`, the benchmark's own creates taken out. */
function operatorRequests(
  counts: Record<string, number>,
  created: { orgs: number; smigs: number },
): Pick<FleetResult, 'byRequest' | 'requests' | 'writes'> {
  const byRequest = { ...counts };
  byRequest['create organizations'] = (byRequest['create organizations'] ?? 0) - created.orgs;
  byRequest['create schemamigrations'] =
    (byRequest['create schemamigrations'] ?? 0) - created.smigs;
  for (const k of Object.keys(byRequest)) if (byRequest[k] === 0) delete byRequest[k];
  const requests = Object.values(byRequest).reduce((a, b) => a + b, 0);
  const writes = Object.entries(byRequest)
    .filter(([k]) => WRITE_VERBS.has(k.split(' ')[0]!))
    .reduce((a, [, n]) => a + n, 0);
  return { byRequest, requests, writes };
}

/** Which orgs each shard wrote, and how many it should have left to the other. */
function shardWrites(
  proxies: RecordingProxy[],
  config: FleetConfig,
  shardOfOrg: (name: string) => number,
): Pick<FleetResult, 'shards' | 'writtenByBoth'> {
  const written = proxies.map((p) => p.writtenNames('organizations'));
  const shards =
    config.shards > 1
      ? written.map((names, s) => ({
          name: shardName(s),
          orgsWritten: names.size,
          foreign: [...names].filter((n) => shardOfOrg(n) !== s).length,
        }))
      : undefined;
  const writtenByBoth =
    written.length > 1 ? [...written[0]!].filter((n) => written[1]!.has(n)).length : 0;
  return { shards, writtenByBoth };
}

/** The run itself, on a fresh cluster. */
async function measure(
  ctx: BenchContext,
  cluster: BenchCluster,
  dbs: string[],
  config: FleetConfig,
): Promise<FleetResult> {
  const { dc, client } = cluster;
  const abort = new AbortController();
  let shards: Shard[] = [];
  try {
    await cluster.namespace(NS);
    await createAll(
      cluster.core('secrets'),
      dbs.map((db, i) => ({
        metadata: { name: `db-${i}`, namespace: NS },
        stringData: { url: ctx.server.url(db) },
      })),
    );
    // Shard k holds a contiguous block of SchemaMigrations and the orgs that name them.
    const shardOfSmig = (i: number) => Math.floor((i * config.shards) / dbs.length);
    const labels = (i: number) =>
      config.shards > 1 ? { shard: shardName(shardOfSmig(i)) } : undefined;
    shards = await startShards(cluster, config);
    const proxies = shards.flatMap((s) => (s.proxy ? [s.proxy] : []));

    const orgReady = readyTimes(client, organizations, abort.signal);
    const smigReady = readyTimes(client, schemaMigrations, abort.signal);
    await Promise.all([orgReady.started, smigReady.started]);
    // Let this process's own two watch requests arrive before the counters are zeroed.
    await new Promise((r) => setTimeout(r, 300));
    const smigs = dbs.map((_, i) =>
      fleetSchemaMigration({
        namespace: NS,
        name: `smig-${i}`,
        secret: `db-${i}`,
        labels: labels(i),
      }),
    );
    const orgs = Array.from({ length: config.orgs }, (_, i) =>
      fleetOrganization({
        name: `org-${i}`,
        databaseRef: { namespace: NS, name: `smig-${i % dbs.length}` },
        labels: labels(i % dbs.length),
      }),
    );

    dc.faults.reset();
    for (const p of proxies) p.clear();
    const samplers = shards.map((s) => sampleProcess(s.operator.pid!));
    // The server settled, as before every round of the other benchmarks: creating 200
    // databases (or emptying them for the next configuration) leaves work that the first
    // DDL in each would otherwise pay for (about 35 ms of server time per database).
    await withClient(ctx.server.url(), (c) => c.query('CHECKPOINT'));
    const sessions0 = await sessionsOpened(ctx, dbs);
    const pg0 = serverCpuSeconds(ctx.server.port);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all([
      createAll(client.resource(schemaMigrations), smigs, CONCURRENCY / 4),
      createAll(client.resource(organizations), orgs, CONCURRENCY),
    ]);
    if (config.shards === 0) return floorResult(config, orgs.length + smigs.length, t0, cpu0);
    await until(
      `${config.label}: all Ready`,
      TIMEOUT_MS,
      async () => orgReady.times.size >= config.orgs && smigReady.times.size >= dbs.length,
      50,
    );
    const readyMs = Math.max(...orgReady.times.values(), ...smigReady.times.values()) - t0;
    const usage = samplers.map((s) => s.stop());
    const cpu = process.cpuUsage(cpu0);
    const postgresCpuSeconds = serverCpuSeconds(ctx.server.port) - pg0;
    // Backends report their session count with their statistics, at most a second late.
    await new Promise((r) => setTimeout(r, 1500));
    const dbSessions = (await sessionsOpened(ctx, dbs)) - sessions0;

    const counted = operatorRequests(dc.faults.counts(), {
      orgs: orgs.length,
      smigs: smigs.length,
    });
    const proxied = proxies.reduce((a, p) => a + p.requests.length, 0);
    if (proxies.length > 0 && proxied !== counted.requests)
      console.error(
        `fleet: the proxies saw ${proxied} requests, the devcluster ${counted.requests}`,
      );
    const shardOfOrg = (name: string) => shardOfSmig(Number(name.slice(4)) % dbs.length);
    return {
      config,
      objects: orgs.length + smigs.length,
      readyMs,
      smigReadyMs: Math.max(...smigReady.times.values()) - t0,
      requests: counted.requests,
      writes: counted.writes,
      byRequest: counted.byRequest,
      usage,
      devclusterCpuSeconds: (cpu.user + cpu.system) / 1e6,
      postgresCpuSeconds,
      dbSessions,
      series: curve(orgReady.times.values(), t0),
      ...shardWrites(proxies, config, shardOfOrg),
    };
  } catch (err) {
    for (const { operator } of shards)
      console.error(`fleet: operator output tail:\n${operator.tail(20)}`);
    throw err;
  } finally {
    abort.abort();
    if (LOG_DIR) await keepLogs(LOG_DIR, config, shards);
  }
}

/** Sessions ever opened on the databases `dbs` (PostgreSQL 14 and later count them). */
async function sessionsOpened(ctx: BenchContext, dbs: string[]): Promise<number> {
  return withClient(ctx.server.url(), async (c) => {
    const { rows } = await c.query<{ n: string | null }>(
      'SELECT sum(sessions)::text AS n FROM pg_stat_database WHERE datname = ANY($1)',
      [dbs],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

/** Writes each operator's output to `DIR/<label>-<shard>.log`. */
async function keepLogs(dir: string, config: FleetConfig, shards: Shard[]): Promise<void> {
  const base = config.label.replace(/[^A-Za-z0-9]+/g, '-');
  await Promise.all(
    shards.map(({ operator }, s) =>
      writeFile(join(dir, `${base}-${shardName(s)}.log`), operator.output()),
    ),
  );
}
