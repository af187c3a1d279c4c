/**
 * What the fault scenarios share: one devcluster and operator harness for
 * the whole suite (so the last scenario can search every log, Event and
 * status for every password), operator processes that reconcile only their
 * own scenario's custom resources (label `fault-scenario`), the passwords
 * used so far, and small ledger and polling helpers.
 */
import { expect } from 'chai';
import type { Organization, SchemaMigration } from '../../../src/api/index.js';
import { organizations } from '../../../src/controllers/resources.js';
import { schemaMigrations } from '../../../src/controllers/resources.js';
import type pg from 'pg';
import { freshDatabase, query } from '../../support/pg.js';
import { kubectlIn, OperatorProcess, sleep, type OperatorEnv } from '../../support/operator.js';
import { stringify } from 'yaml';

/** The label that tells a scenario's operator which custom resources are its own. */
export const SCENARIO_LABEL = 'fault-scenario';

/** What the scenarios share: the harness and every password they used. */
export interface FaultSuite {
  env: OperatorEnv;
  /** Every password used across the suite (right and wrong): none may leak. */
  passwords: Set<string>;
}

/** How one scenario's operator process starts. */
export interface ScenarioOperatorOptions {
  scenario: string;
  leaderElect?: boolean;
  /** More `run` flags. */
  args?: string[];
  /** Environment variables of the process (on top of this one's). */
  childEnv?: Record<string, string>;
  /** Wait for `controllers started` (default: without leader election only). */
  waitForControllers?: boolean;
}

/**
 * Starts `schema-operator run --selector fault-scenario=SCENARIO ...` and
 * registers it with the harness (stopped after the suite, its output in
 * failure reports and in the final secrets check).
 */
export async function scenarioOperator(
  env: OperatorEnv,
  o: ScenarioOperatorOptions,
): Promise<OperatorProcess> {
  const p = new OperatorProcess({
    kubeconfigPath: env.kubeconfigPath,
    leaderElect: o.leaderElect ?? false,
    extraArgs: ['--selector', `${SCENARIO_LABEL}=${o.scenario}`, ...(o.args ?? [])],
  });
  env.operators.push(p);
  // The child is spawned synchronously inside start(): it inherits the environment as it is now.
  const saved = Object.keys(o.childEnv ?? {}).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, o.childEnv);
  const started = p.start();
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await started;
  if (o.waitForControllers ?? !o.leaderElect)
    await p.waitForLog((l) => l.message === 'controllers started', 30_000);
  return p;
}

/** `{ fault-scenario: SCENARIO }`, for the metadata of a scenario's custom resources. */
export function scenarioLabels(scenario: string): Record<string, string> {
  return { [SCENARIO_LABEL]: scenario };
}

/**
 * `kubectl apply` that tries again while the API server fails writes on
 * purpose (apply is idempotent); fails the test after `tries`.
 */
export async function applyRetrying(
  env: OperatorEnv,
  objects: object[],
  tries = 10,
): Promise<number> {
  const yaml = objects.map((o) => stringify(o)).join('---\n');
  let last = '';
  for (let i = 1; i <= tries; i++) {
    const r = await kubectlIn(env, ['apply', '-f', '-'], yaml);
    if (r.code === 0) return i;
    last = r.stderr;
    await sleep(200);
  }
  expect.fail(`kubectl apply failed ${tries} times; last:\n${last}`);
}

/** Every SchemaMigration of the cluster, or of one scenario. */
export async function listSmigs(env: OperatorEnv, scenario?: string): Promise<SchemaMigration[]> {
  const list = await env.client.resource<SchemaMigration>(schemaMigrations).list({
    ...(scenario ? { labelSelector: `${SCENARIO_LABEL}=${scenario}` } : {}),
  });
  return list.items;
}

/** Every Organization of the cluster, or of one scenario. */
export async function listOrgs(env: OperatorEnv, scenario?: string): Promise<Organization[]> {
  const list = await env.client.resource<Organization>(organizations).list({
    ...(scenario ? { labelSelector: `${SCENARIO_LABEL}=${scenario}` } : {}),
  });
  return list.items;
}

/** True when the object has condition Ready=True for its current generation. */
export function isReady(o: SchemaMigration | Organization): boolean {
  const c = o.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.status === 'True' && o.status?.observedGeneration === o.metadata?.generation;
}

/** Polls `fn` until it returns true; fails with `what` (and `detail()`) after `timeoutMs`. */
export async function eventually(
  what: string,
  fn: () => Promise<boolean>,
  opts: { timeoutMs: number; everyMs?: number; detail?: () => Promise<string> | string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline)
      expect.fail(
        `${what}: not within ${opts.timeoutMs} ms${opts.detail ? `\n${await opts.detail()}` : ''}`,
      );
    await sleep(opts.everyMs ?? 50);
  }
}

/** Versions of a ledger table and how often each occurs, in order. */
export async function ledgerCounts(
  url: string,
  table = 'public.schema_operator_history',
): Promise<Array<{ version: string; n: number }>> {
  return query<{ version: string; n: number }>(
    url,
    `SELECT version, count(*)::int AS n FROM ${table} GROUP BY version ORDER BY min(installed_rank)`,
  );
}

/** The number of ledger rows, 0 while the ledger table does not exist yet. */
export async function ledgerSize(url: string): Promise<number> {
  const [exists] = await query<{ t: boolean }>(
    url,
    "SELECT to_regclass('public.schema_operator_history') IS NOT NULL AS t",
  );
  if (!exists?.t) return 0;
  const [row] = await query<{ n: number }>(
    url,
    'SELECT count(*)::int AS n FROM public.schema_operator_history',
  );
  return row?.n ?? 0;
}

/** Ledger rows on an open connection; 0 while the ledger table does not exist yet. */
export async function ledgerRows(c: pg.Client): Promise<number> {
  try {
    const r = await c.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM public.schema_operator_history',
    );
    return r.rows[0]!.n;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return 0;
    throw err;
  }
}

/** Other sessions of this connection's database running a statement right now. */
export async function busySessions(c: pg.Client): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
  );
  return r.rows[0]!.n;
}

/** Other sessions of `database` sleeping in `pg_sleep` right now (asked on an admin URL). */
export async function sleepingSessions(adminUrl: string, database: string): Promise<number> {
  const rows = await query<{ n: number }>(
    adminUrl,
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`,
    [database],
  );
  return rows[0]!.n;
}

/** `n` fresh databases on the shared PostgreSQL 18, created a few at a time (each takes a while). */
export async function freshDatabases(n: number): Promise<string[]> {
  const urls: string[] = new Array<string>(n);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) urls[i] = await freshDatabase(18);
  };
  await Promise.all(Array.from({ length: Math.min(n, 6) }, worker));
  return urls;
}

/** The database name of a PostgreSQL URL. */
export function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}

/** A random whole number in [lo, hi]. */
export function randomInt(lo: number, hi: number): number {
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}
