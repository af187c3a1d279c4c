/**
 * Benchmark `firstrun` (issue 20): what a SchemaMigration's first run costs
 * the PostgreSQL server, in a database just created, as the fleet
 * benchmark's 200 databases each get one. The run is the operator's: the
 * engine on a new connection, the fleet's three inline files, an owner
 * claim and the ledger stamp. Measured per run: wall time and the server's
 * CPU (the postmaster and every backend, reaped ones included, from /proc,
 * so the session's start and exit count too).
 *
 * BENCH_BASELINE names another checkout with a built `dist/`: its engine
 * runs too, taking turns with this one database by database, so the
 * machine's load weighs on both alike, and each row gets a ratio. A
 * reference row opens and closes a connection only: the session's share.
 * BENCH_FIRSTRUN_DBS sets the databases per build (default 60); BENCH_ROUNDS
 * repeats the whole set.
 *
 * /proc counts CPU in 10 ms ticks, so one run's figure is coarse: the table
 * gives the mean over all runs (the ticks even out), and wall times as medians.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import * as thisEngine from '../../src/engine/index.js';
import { FLEET_MIGRATIONS } from '../support/fleet-objects.js';
import {
  checkpoint,
  createDatabase,
  dropDatabase,
  roundsOf,
  type BenchContext,
} from './context.js';
import { serverCpuSeconds } from './proc-stats.js';
import { markdownTable, median, ratio } from './table.js';

type Engine = Pick<typeof thisEngine, 'migrate' | 'parseMigrations'>;

interface Variant {
  label: string;
  /** One run against the database at `url`. */
  run(url: string): Promise<unknown>;
}

/** The operator's first run, with `engine`'s code. */
function firstRun(label: string, engine: Engine): Variant {
  const migrations = engine.parseMigrations(
    FLEET_MIGRATIONS.map((m) => ({ name: `${m.version}_${m.name}.sql`, content: m.sql })),
  );
  return {
    label,
    run: (url) =>
      engine.migrate({
        url,
        migrations,
        appliedBy: 'bench',
        applicationName: 'schema-operator bench',
        claim: { owner: 'bench/firstrun', mayReplace: async () => false },
        stamp: true,
      }),
  };
}

const CONNECT_ONLY: Variant = {
  label: 'reference: connect and close',
  run: async (url) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.end();
  },
};

/** Long enough for the closed backend to exit and be reaped, so its CPU is counted. */
const SETTLE_MS = 30;

async function baselineEngine(dir: string): Promise<Engine> {
  const entry = join(dir, 'dist', 'src', 'engine', 'index.js');
  return (await import(pathToFileURL(entry).href)) as Engine;
}

export async function firstRunBenchmark(ctx: BenchContext): Promise<string> {
  const perBuild = Number(process.env.BENCH_FIRSTRUN_DBS ?? 60);
  const rounds = roundsOf(ctx, 1);
  const baselineDir = process.env.BENCH_BASELINE;
  const variants: Variant[] = [CONNECT_ONLY];
  if (baselineDir)
    variants.push(firstRun('first run, baseline', await baselineEngine(baselineDir)));
  variants.push(firstRun('first run, this build', thisEngine));
  const cpu = variants.map(() => [] as number[]);
  const wall = variants.map(() => [] as number[]);
  const url = (db: string) => ctx.server.url(db);
  for (let round = 0; round < rounds; round++) {
    const dbs: string[][] = [];
    for (let i = 0; i < perBuild; i++) {
      const set: string[] = [];
      for (let v = 0; v < variants.length; v++) set.push(await createDatabase(ctx, 'firstrun'));
      dbs.push(set);
    }
    // Creating the databases is not what is measured: their pages are written out first.
    await checkpoint(ctx);
    for (let i = 0; i < perBuild; i++) {
      // Every other database the order is swapped, so neither build always goes first.
      const order = variants.map((_, v) => v);
      if (i % 2 === 1) order.reverse();
      for (const v of order) {
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const c0 = serverCpuSeconds(ctx.server.port);
        const t0 = performance.now();
        await variants[v]!.run(url(dbs[i]![v]!));
        wall[v]!.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        cpu[v]!.push((serverCpuSeconds(ctx.server.port) - c0) * 1000);
      }
    }
    for (const set of dbs) for (const db of set) await dropDatabase(ctx, db);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = baselineDir ? 1 : variants.length - 1;
  const rows = variants.map((v, i) => [
    v.label,
    String(cpu[i]!.length),
    mean(cpu[i]!).toFixed(1),
    ratio(mean(cpu[i]!) / mean(cpu[base]!)),
    median(wall[i]!).toFixed(1),
    ratio(median(wall[i]!) / median(wall[base]!)),
  ]);
  return [
    `A first run in a fresh database (the fleet's three files, an owner, the stamp), ` +
      `${perBuild} databases per row${rounds > 1 ? `, ${rounds} rounds` : ''}; ` +
      `server CPU is the mean per run, wall the median.`,
    '',
    markdownTable(['run', 'runs', 'server CPU ms', 'vs baseline', 'wall ms', 'vs baseline'], rows),
  ].join('\n');
}
