/**
 * Benchmark 1: apply 300 generated migrations to an empty database, one
 * transaction per file plus a ledger row, with each tool. Every round gives
 * every tool a fresh database on the same server, in a rotated order, after
 * a checkpoint; a tool's ratio to the floor is taken within each round and
 * the median of those is reported, so a slow moment of the shared machine
 * hits the floor and the tool alike.
 */
import { splitStatements } from '../../src/engine/splitter.js';
import {
  checkpoint,
  countRows,
  createDatabase,
  dropDatabase,
  roundsOf,
  scratchDir,
  type BenchContext,
} from './context.js';
import { generateMigrations } from './generate.js';
import { writeMigrationSet } from './sources.js';
import { markdownTable, median, ratio, seconds } from './table.js';
import { TOOLS, type Tool } from './tools.js';

/** Files per run. */
const COUNT = 300;

/** What the generator's name prefixes stand for. */
const KINDS: Record<string, string> = {
  create: 'CREATE TABLE (constraints, indexes, FK)',
  add: 'ADD COLUMN (+ CHECK, index)',
  touch: 'plpgsql functions + trigger + view',
  state: 'DO block (+ index)',
  data: 'INSERT/UPDATE',
};

/** Runs the benchmark and returns its table. */
export async function applyBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 5);
  const migrations = generateMigrations(COUNT);
  const set = writeMigrationSet(scratchDir(ctx, 'apply'), migrations);
  const statements = migrations.reduce((n, m) => n + splitStatements(m.sql).length, 0);
  const kinds = new Map<string, number>();
  for (const m of migrations) {
    const kind = m.name.split('_')[0]!;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const mix = [...kinds].map(([k, n]) => `${n} ${KINDS[k] ?? k}`).join(', ');
  console.error(`apply: ${COUNT} migrations, ${rounds} rounds, ${TOOLS.length} tools`);
  const times = new Map<Tool, number[]>(TOOLS.map((t) => [t, []]));
  const ratios = new Map<Tool, number[]>(TOOLS.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    const order = TOOLS.map((_, i) => TOOLS[(i + round) % TOOLS.length]!);
    const thisRound = new Map<Tool, number>();
    for (const tool of order) {
      const db = await createDatabase(ctx, `apply_${tool.key.replace(/\W/g, '_')}`);
      try {
        await checkpoint(ctx);
        const run = await tool.apply(ctx.server.url(db), set);
        const recorded = await countRows(ctx, db, tool.ledger);
        if (recorded !== COUNT) {
          throw new Error(`${tool.label} recorded ${recorded} of ${COUNT} migrations`);
        }
        thisRound.set(tool, run.ms);
        times.get(tool)!.push(run.ms);
      } finally {
        await dropDatabase(ctx, db);
      }
    }
    const floor = thisRound.get(TOOLS[0]!)!;
    for (const tool of TOOLS) ratios.get(tool)!.push(thisRound.get(tool)! / floor);
    console.error(
      `  round ${round + 1}: ` +
        order.map((t) => `${t.label} ${seconds(thisRound.get(t)!)} s`).join(', '),
    );
  }
  const rows = TOOLS.map((t) => {
    const ts = times.get(t)!;
    return [
      t.label,
      seconds(median(ts)),
      seconds(Math.min(...ts)),
      seconds(Math.max(...ts)),
      ratio(median(ratios.get(t)!)),
    ];
  });
  return [
    `Apply ${COUNT} migrations to an empty database (${rounds} rounds; wall time in s; ratio = median of the per-round ratios to the floor)`,
    '',
    `${statements} statements; files by kind: ${mix}.`,
    '',
    markdownTable(['tool', 'median s', 'min s', 'max s', 'vs floor'], rows),
  ].join('\n');
}
