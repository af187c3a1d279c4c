/**
 * Benchmark 2: a run with nothing to do, on a database where 1000 migrations
 * are already applied (each tool on its own database, prepared once by that
 * tool). This is what every deploy and every init container pays. Reference
 * rows: bare `node -e 0` on the same Node 24, and psql connecting and
 * counting the ledger, the least any tool must do to find out. With
 * BENCH_BASELINE_CLI, a row for an earlier build of the CLI on the same
 * database.
 */
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
import { startupReferences } from './references.js';
import { dbmate, nodePgMigrate, ours, type Tool } from './tools.js';

/** Files already applied. */
const COUNT = 1000;

/** Runs the benchmark and returns its table. */
export async function noopBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 7);
  const set = writeMigrationSet(scratchDir(ctx, 'noop'), generateMigrations(COUNT));
  const tools: Tool[] = [ours, nodePgMigrate, dbmate];
  const dbs = new Map<Tool, string>();
  try {
    const prepared: string[] = [];
    for (const tool of tools) {
      const db = await createDatabase(ctx, `noop_${tool.key.replace(/\W/g, '_')}`);
      dbs.set(tool, db);
      const run = await tool.apply(ctx.server.url(db), set, { timeoutMs: 300_000 });
      prepared.push(`${tool.label} ${seconds(run.ms)} s`);
    }
    console.error(`noop: ${COUNT} migrations applied once by each tool: ${prepared.join(', ')}`);
    const oursDb = ctx.server.url(dbs.get(ours));
    const { node, psql } = startupReferences(oursDb);
    const toolRows = new Map<Tool, Row>(
      tools.map((t) => [
        t,
        { label: t.label, run: () => t.apply(ctx.server.url(dbs.get(t)), set) },
      ]),
    );
    const before = baselineCli();
    const rows: Row[] = [
      node,
      psql,
      ...(before
        ? [
            {
              label: 'schema-operator before (BENCH_BASELINE_CLI)',
              run: () =>
                timedOk('baseline CLI', process.execPath, [
                  before,
                  'migrate',
                  '--database-url',
                  oursDb,
                  '--dir',
                  set.plainDir,
                ]),
            },
          ]
        : []),
      ...toolRows.values(),
    ];
    const result = await runRounds(ctx, {
      name: 'noop',
      rows,
      refs: [toolRows.get(ours)!, toolRows.get(dbmate)!, node],
      rounds,
    });
    for (const tool of tools) {
      const n = await countRows(ctx, dbs.get(tool)!, tool.ledger);
      if (n !== COUNT) throw new Error(`${tool.label}: ledger has ${n} rows, not ${COUNT}`);
    }
    return [
      `No-op run with ${COUNT} migrations applied (${rounds} rounds; wall time in ms; ratios = median of the per-round ratios)`,
      '',
      roundsTable(result, ['schema-operator', 'dbmate', 'node -e 0']),
    ].join('\n');
  } finally {
    for (const db of dbs.values()) await dropDatabase(ctx, db);
  }
}
