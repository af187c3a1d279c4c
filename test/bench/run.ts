/**
 * The benchmark runner: `node dist/test/bench/run.js [apply|noop|lock|backfill|gate|orgs|orgs-class|ready|fleet|firstrun|configmaps|pool|wait|apiserver ...]`
 * (`npm run bench -- noop`); without names it runs apply, noop and lock. It
 * starts one throwaway PostgreSQL 18 server for all of them, prints the
 * machine and each benchmark's Markdown table on stdout (progress goes to
 * stderr), and removes the server and every scratch file when done,
 * interrupted or failed. BENCH_ROUNDS overrides the rounds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startLocalPostgres, type LocalPostgres } from '../../src/devcluster/postgres.js';
import { apiserverBenchmark } from './apiserver.js';
import { applyBenchmark } from './apply.js';
import { backfillBenchmark } from './backfill.js';
import { configMapsBenchmark } from './configmaps.js';
import { firstRunBenchmark } from './firstrun.js';
import { fleetBenchmark } from './fleet.js';
import { gateBenchmark } from './gate.js';
import { withClient, type BenchContext } from './context.js';
import { lockBenchmark } from './lock.js';
import { noopBenchmark } from './noop.js';
import { orgsBenchmark } from './orgs.js';
import { orgsClassBenchmark } from './orgs-class.js';
import { poolBenchmark } from './pool.js';
import { readyBenchmark } from './ready.js';
import { waitBenchmark } from './wait.js';
import { DBMATE, PSQL } from './tools.js';

/** Every benchmark by name. */
const BENCHMARKS: Record<string, (ctx: BenchContext) => Promise<string>> = {
  apply: applyBenchmark,
  noop: noopBenchmark,
  lock: lockBenchmark,
  backfill: backfillBenchmark,
  gate: gateBenchmark,
  orgs: orgsBenchmark,
  'orgs-class': orgsClassBenchmark,
  ready: readyBenchmark,
  fleet: fleetBenchmark,
  firstrun: firstRunBenchmark,
  configmaps: configMapsBenchmark,
  pool: poolBenchmark,
  wait: waitBenchmark,
  apiserver: apiserverBenchmark,
};
/** What a run without names takes: issue 2's three, a few minutes together. */
const DEFAULT = ['apply', 'noop', 'lock'];

function usage(): never {
  console.error(
    `usage: run.js [${Object.keys(BENCHMARKS).join('|')} ...]  (none: ${DEFAULT.join(' ')})`,
  );
  process.exit(2);
}

const names = process.argv.slice(2);
if (names.some((n) => !(n in BENCHMARKS))) usage();
const selected = names.length > 0 ? names : DEFAULT;
const roundsEnv = process.env.BENCH_ROUNDS;
if (roundsEnv !== undefined && !/^[1-9]\d*$/.test(roundsEnv)) usage();

const tmp = mkdtempSync(join(tmpdir(), 'schema-operator-bench-'));
let server: LocalPostgres | null = null;
let cleaned = false;

async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await server?.stop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

/** One line of the output of a command, or `?` when it is not there. */
function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return '?';
  }
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? cpus()[0]?.model ?? '?';
}

try {
  // BENCH_PG_MAX_CONNECTIONS: e.g. 100, PostgreSQL's default, for the fleet on a server with fewer slots.
  const maxConnections = process.env.BENCH_PG_MAX_CONNECTIONS;
  server = await startLocalPostgres({
    major: 18,
    ...(maxConnections ? { settings: { max_connections: maxConnections } } : {}),
  });
  const serverVersion = await withClient(server.url(), async (c) => {
    const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]!.v;
  });
  const ctx: BenchContext = {
    server,
    tmp,
    rounds: roundsEnv ? Number(roundsEnv) : null,
    serverVersion,
  };
  console.log(
    [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} cores, ${cpuModel()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      `PostgreSQL ${serverVersion} (throwaway server, fsync off); ${firstLine(PSQL, ['--version'])}`,
      `Node ${process.version}; ${firstLine(DBMATE, ['--version'])}`,
    ].join('\n'),
  );
  for (const name of selected) {
    const started = performance.now();
    const table = await BENCHMARKS[name]!(ctx);
    console.log(`\n## ${name}\n\n${table}`);
    console.error(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
