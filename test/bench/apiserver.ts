/**
 * Benchmark for issue #20: the devcluster's CPU cost per request. In this
 * one process it starts this build's devcluster and, when `BENCH_BASELINE`
 * names a checkout with a built `dist/`, that build's, and replays the same
 * request mix against each, the builds alternating round by round (a fresh
 * devcluster each time, so no round inherits another's objects). The mix is
 * what a fleet's operator sends: with watches on Organizations and
 * SchemaMigrations open, create N Organizations and S SchemaMigrations and
 * N namespaces, merge-patch each Organization's finalizers (conditional on
 * its resourceVersion), patch each status twice (Pending, then Ready), and
 * create 1.5 Events per Organization; 32 requests in flight over plain
 * `fetch`. The client (watches included) runs in a child process, so this
 * process's CPU around the replay (`process.cpuUsage`) is the devcluster's
 * alone. Reported per build: requests, CPU ms per request, the replay's
 * wall time, and CPU per request this/baseline, medians of the rounds.
 * BENCH_API_ORGS (default 2000) and BENCH_API_SMIGS (default 200) set N
 * and S; BENCH_ROUNDS the rounds (default 3), after one small unmeasured
 * round per build.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { API_VERSION, loadCrds } from '../../src/api/index.js';
import type { DevClusterOptions } from '../../src/devcluster/index.js';
import { fleetOrganization, fleetSchemaMigration } from '../support/fleet-objects.js';
import type { BenchContext } from './context.js';
import { markdownTable, median, ratio } from './table.js';

/** What a build's devcluster module must offer (both builds export it). */
interface DevClusterModule {
  startDevCluster(opts?: DevClusterOptions): Promise<{ url: string; stop(): Promise<void> }>;
}

/** One build under test. */
interface Build {
  name: 'baseline' | 'this';
  module: DevClusterModule;
}

/** One replay's measurements. */
interface Sample {
  requests: number;
  cpuMs: number;
  wallMs: number;
}

const run = promisify(execFile);
const ROUNDS = 3;
const IN_FLIGHT = 32;
/** Organizations of the unmeasured warm-up replay. */
const WARM_UP = 100;
const NS = 'bench';
const GROUP_PATH = `/apis/${API_VERSION}`;
const MERGE = 'application/merge-patch+json';

function count(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(v)) throw new Error(`${name} must be a positive integer, not ${v}`);
  return Number(v);
}

/** Requests to one devcluster, counted; anything but a 2xx answer fails the benchmark. */
class Client {
  requests = 0;
  constructor(private readonly url: string) {}

  async send(method: string, path: string, body: unknown, type = 'application/json') {
    this.requests++;
    const res = await fetch(this.url + path, {
      method,
      headers: { 'content-type': type, accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as { metadata: { resourceVersion: string } };
  }

  /** A watch, open once this resolves, whose events are read and dropped until `stop`. */
  async watch(path: string): Promise<{ stop: () => void }> {
    const abort = new AbortController();
    const res = await fetch(`${this.url}${path}?watch=true`, { signal: abort.signal });
    void (async () => {
      for await (const chunk of res.body!) void chunk;
    })().catch(() => undefined);
    return { stop: () => abort.abort() };
  }
}

/** Runs `fn` over `items` with at most {@link IN_FLIGHT} calls pending. */
async function pool<T>(items: T[], fn: (item: T, i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!, i);
    }),
  );
}

/** Conditions as the operator's status setters write them (type, status, reason, message). */
function conditions(gen: number, now: string, list: Array<[string, string, string, string]>) {
  return list.map(([type, status, reason, message]) => ({
    type,
    status,
    observedGeneration: gen,
    lastTransitionTime: now,
    reason,
    message,
  }));
}

function orgStatus(name: string, ready: boolean, now: string) {
  const u = ['Unknown', 'Reconciling', ''] as const;
  return {
    observedGeneration: 1,
    phase: ready ? 'Active' : 'Pending',
    ...(ready ? { namespace: name } : {}),
    conditions: conditions(1, now, [
      ['Ready', ...(ready ? (['True', 'Active', `active in namespace ${name}`] as const) : u)],
      ['NamespaceReady', ...(ready ? (['True', 'Ensured', 'namespace created'] as const) : u)],
      ['DatabaseSynced', ...(ready ? (['True', 'Synced', 'row written'] as const) : u)],
      ['Suspended', ...(ready ? (['False', 'Active', ''] as const) : u)],
    ]),
  };
}

function smigStatus(applied: boolean, now: string) {
  return {
    observedGeneration: 1,
    phase: applied ? 'Applied' : 'Applying',
    targetVersion: '003',
    ...(applied ? { appliedVersion: '003' } : {}),
    counts: { applied: applied ? 3 : 0, pending: applied ? 0 : 3, changed: 0, missing: 0 },
    conditions: conditions(1, now, [
      ['Applied', applied ? 'True' : 'Unknown', applied ? 'Applied' : 'Applying', ''],
      ['Ready', applied ? 'True' : 'False', applied ? 'Applied' : 'Applying', ''],
      ['Reconciling', applied ? 'False' : 'True', applied ? 'Applied' : 'Applying', ''],
    ]),
  };
}

/** The replay: every request of the mix against the devcluster at `url`. */
async function replay(c: Client, orgs: number, smigs: number): Promise<void> {
  const names = Array.from({ length: orgs }, (_, i) => `org-${String(i).padStart(5, '0')}`);
  const migs = Array.from({ length: smigs }, (_, i) => `db-${String(i).padStart(4, '0')}`);
  const rv = new Map<string, string>();
  const orgPath = (n: string) => `${GROUP_PATH}/organizations/${n}`;
  const smigPath = (n: string) => `${GROUP_PATH}/namespaces/${NS}/schemamigrations/${n}`;
  const databaseRef = { namespace: NS, name: 'db-0000' };
  await pool([...names, ...migs], async (n, i) => {
    if (i >= orgs) {
      const obj = fleetSchemaMigration({ namespace: NS, name: n, secret: 'db' });
      return c.send('POST', `${GROUP_PATH}/namespaces/${NS}/schemamigrations`, obj);
    }
    const created = await c.send('POST', `${GROUP_PATH}/organizations`, {
      ...fleetOrganization({ name: n, databaseRef }),
    });
    rv.set(n, created.metadata.resourceVersion);
  });
  await pool(names, (n) =>
    c.send('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n },
    }),
  );
  const finalizers = ['schema.streamspace.io/organization'];
  await pool(names, (n) =>
    c.send('PATCH', orgPath(n), { metadata: { finalizers, resourceVersion: rv.get(n) } }, MERGE),
  );
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const statuses = async (ready: boolean) => {
    await pool([...names, ...migs], (n, i) =>
      i < orgs
        ? c.send('PATCH', `${orgPath(n)}/status`, { status: orgStatus(n, ready, now) }, MERGE)
        : c.send('PATCH', `${smigPath(n)}/status`, { status: smigStatus(ready, now) }, MERGE),
    );
  };
  await statuses(false);
  // 1.5 Events per Organization: every one gets one, every second one another.
  const events = [...names, ...names.filter((_, i) => i % 2 === 0)];
  await pool(events, (n, i) =>
    c.send('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${n}.${i}`, namespace: 'default' },
      eventTime: new Date().toISOString(),
      type: 'Normal',
      reason: i < orgs ? 'NamespaceCreated' : 'Synced',
      note: `organization ${n}: ${i < orgs ? 'namespace created' : 'row written'}`,
      action: 'Reconcile',
      reportingController: 'schema-operator',
      reportingInstance: 'schema-operator-bench',
      regarding: { apiVersion: API_VERSION, kind: 'Organization', name: n },
    }),
  );
  await statuses(true);
}

/** What the replay process prints: its requests and its wall time around them. */
interface ReplayReport {
  requests: number;
  wallMs: number;
}

/**
 * The client side of one round, in a process of its own (this file run as
 * `node apiserver.js replay URL ORGS SMIGS`), so that this process's CPU
 * around it is the devcluster's alone: both watches open, then the replay.
 */
async function replayProcess(url: string, orgs: number, smigs: number): Promise<ReplayReport> {
  const c = new Client(url);
  const watches = [
    await c.watch(`${GROUP_PATH}/organizations`),
    await c.watch(`${GROUP_PATH}/schemamigrations`),
  ];
  c.requests = 0;
  const started = performance.now();
  await replay(c, orgs, smigs);
  const wallMs = performance.now() - started;
  for (const w of watches) w.stop();
  return { requests: c.requests, wallMs };
}

/** One round of one build: a fresh devcluster, CRDs installed, the replay measured. */
async function measure(build: Build, orgs: number, smigs: number): Promise<Sample> {
  const dc = await build.module.startDevCluster();
  try {
    const setup = new Client(dc.url);
    const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    for (const crd of await loadCrds()) await setup.send('POST', crdPath, crd);
    await setup.send('POST', '/api/v1/namespaces', { metadata: { name: NS } });
    const args = [fileURLToPath(import.meta.url), 'replay', dc.url, `${orgs}`, `${smigs}`];
    const cpu = process.cpuUsage();
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
    const used = process.cpuUsage(cpu);
    const report = JSON.parse(stdout) as ReplayReport;
    return { ...report, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    await dc.stop();
  }
}

async function builds(): Promise<Build[]> {
  const current: Build = {
    name: 'this',
    module: (await import('../../src/devcluster/index.js')) as DevClusterModule,
  };
  const dir = process.env.BENCH_BASELINE;
  if (!dir) return [current];
  const entry = pathToFileURL(resolve(dir, 'dist/src/devcluster/index.js')).href;
  return [{ name: 'baseline', module: (await import(entry)) as DevClusterModule }, current];
}

/** Runs the rounds (BENCH_ROUNDS, default 3); returns the Markdown table. */
export async function apiserverBenchmark(ctx: BenchContext): Promise<string> {
  const orgs = count('BENCH_API_ORGS', 2000);
  const smigs = count('BENCH_API_SMIGS', 200);
  const all = await builds();
  const samples = new Map<string, Sample[]>(all.map((b) => [b.name, []]));
  const rounds = ctx.rounds ?? ROUNDS;
  // A small unmeasured replay first, so neither build's first round pays for the JIT.
  for (const b of all) await measure(b, WARM_UP, 1);
  for (let r = 0; r < rounds; r++) {
    // Alternating order: neither build always runs on a warmer (or more littered) heap.
    for (const b of r % 2 ? [...all].reverse() : all) {
      const s = await measure(b, orgs, smigs);
      samples.get(b.name)!.push(s);
      const perReq = (s.cpuMs / s.requests).toFixed(3);
      console.error(`apiserver: round ${r + 1} ${b.name}: ${perReq} CPU ms/request`);
    }
  }
  const perRequest = (name: string) => median(samples.get(name)!.map((s) => s.cpuMs / s.requests));
  const base = samples.has('baseline') ? perRequest('baseline') : NaN;
  const rows = all.map((b) => {
    const s = samples.get(b.name)!;
    return [
      b.name,
      `${s[0]!.requests}`,
      perRequest(b.name).toFixed(3),
      `${(median(s.map((x) => x.wallMs)) / 1000).toFixed(2)} s`,
      ratio(perRequest(b.name) / base),
    ];
  });
  return markdownTable(
    ['build', 'requests', 'CPU ms/request', 'wall', 'CPU/request vs baseline'],
    rows,
  );
}

if (process.argv[2] === 'replay' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, orgs, smigs] = process.argv.slice(3);
  const report = await replayProcess(url!, Number(orgs), Number(smigs));
  process.stdout.write(JSON.stringify(report));
  // Keep-alive connections would hold the process for seconds.
  process.exit(0);
}
