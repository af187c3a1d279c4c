/**
 * `wait --database-url` on its happy path, as an API pod's init container
 * runs it on every start: the version it waits for is already applied, on a
 * ledger of 1000 rows, so the command starts, looks once and exits 0. Its
 * cost is the start-up and one look. Reference rows: bare `node -e 0` and
 * psql connecting and counting the ledger. With BENCH_BASELINE_CLI, a row
 * for an earlier build of the CLI.
 */
import { CLI } from '../support/cli.js';
import { baselineCli } from './baseline-cli.js';
import {
  countRows,
  createDatabase,
  dropDatabase,
  roundsOf,
  scratchDir,
  type BenchContext,
} from './context.js';
import { generateMigrations } from './generate.js';
import { timedOk } from './proc.js';
import { roundsTable, runRounds, type Row } from './rounds.js';
import { writeMigrationSet } from './sources.js';
import { seconds } from './table.js';
import { ours } from './tools.js';
import { startupReferences } from './references.js';

/** Migrations in the ledger; the wait is for the last. */
const COUNT = 1000;

/** A `wait` for the applied version by the CLI at `cli`. */
function waitRow(label: string, cli: string, url: string, version: string): Row {
  return {
    label,
    run: () =>
      timedOk(label, process.execPath, [cli, 'wait', '--database-url', url, '--version', version]),
  };
}

/** Runs the benchmark and returns its table. */
export async function waitBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 9);
  const migrations = generateMigrations(COUNT);
  const set = writeMigrationSet(scratchDir(ctx, 'wait'), migrations);
  const version = migrations.at(-1)!.version;
  const db = await createDatabase(ctx, 'wait');
  try {
    const url = ctx.server.url(db);
    const prepared = await ours.apply(url, set, { timeoutMs: 300_000 });
    console.error(`wait: ${COUNT} migrations applied in ${seconds(prepared.ms)} s`);
    const { node, psql } = startupReferences(url);
    const before = baselineCli();
    const rows: Row[] = [
      node,
      psql,
      ...(before
        ? [waitRow('schema-operator wait before (BENCH_BASELINE_CLI)', before, url, version)]
        : []),
      waitRow('schema-operator wait', CLI, url, version),
    ];
    const result = await runRounds(ctx, { name: 'wait', rows, refs: [node, psql], rounds });
    const n = await countRows(ctx, db, ours.ledger);
    if (n !== COUNT) throw new Error(`wait: ledger has ${n} rows, not ${COUNT}`);
    return [
      `\`wait --database-url URL --version ${version}\`, already applied, ${COUNT} rows in the ledger (${rounds} rounds; wall time in ms; ratios = median of the per-round ratios)`,
      '',
      roundsTable(result, ['node -e 0', 'psql']),
    ].join('\n');
  } finally {
    await dropDatabase(ctx, db);
  }
}
