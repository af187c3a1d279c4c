/**
 * Benchmark 2: a run with nothing to do, on a database where 1000 migrations
 * are already applied (each tool on its own database, prepared once by that
 * tool). This is what every deploy and every init container pays. Reference
 * rows: bare `node -e 0` on the same Node 24, and psql connecting and
 * counting the ledger, the least any tool must do to find out.
 */
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
import { timedOk, type Timed } from './proc.js';
import { writeMigrationSet } from './sources.js';
import { markdownTable, median, millis, ratio, seconds } from './table.js';
import { PSQL, dbmate, nodePgMigrate, ours, type Tool } from './tools.js';

/** Files already applied. */
const COUNT = 1000;

/** A measured row: a tool's no-op run, or a reference command. */
interface Row {
  label: string;
  run: () => Promise<Timed>;
}

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
    const rows: Row[] = [
      {
        label: 'reference: node -e 0',
        run: () => timedOk('node', process.execPath, ['-e', '0']),
      },
      {
        label: 'reference: psql, connect + count the ledger',
        run: () =>
          timedOk('psql', PSQL, [
            '-X',
            '-q',
            '-d',
            oursDb,
            '-c',
            `SELECT count(*) FROM ${ours.ledger}`,
          ]),
      },
      ...tools.map((t) => ({
        label: t.label,
        run: () => t.apply(ctx.server.url(dbs.get(t)), set),
      })),
    ];
    const times = new Map<Row, number[]>(rows.map((r) => [r, []]));
    const vsOurs = new Map<Row, number[]>(rows.map((r) => [r, []]));
    const vsNode = new Map<Row, number[]>(rows.map((r) => [r, []]));
    const oursRow = rows[2]!;
    const nodeRow = rows[0]!;
    await checkpoint(ctx);
    for (let round = 0; round < rounds; round++) {
      const order = rows.map((_, i) => rows[(i + round) % rows.length]!);
      const thisRound = new Map<Row, number>();
      for (const row of order) {
        const r = await row.run();
        thisRound.set(row, r.ms);
        times.get(row)!.push(r.ms);
      }
      for (const row of rows) {
        vsOurs.get(row)!.push(thisRound.get(row)! / thisRound.get(oursRow)!);
        vsNode.get(row)!.push(thisRound.get(row)! / thisRound.get(nodeRow)!);
      }
      console.error(
        `  round ${round + 1}: ` +
          order.map((r) => `${r.label} ${millis(thisRound.get(r)!)} ms`).join(', '),
      );
    }
    for (const tool of tools) {
      const n = await countRows(ctx, dbs.get(tool)!, tool.ledger);
      if (n !== COUNT) throw new Error(`${tool.label}: ledger has ${n} rows, not ${COUNT}`);
    }
    const table = rows.map((r) => {
      const ts = times.get(r)!;
      return [
        r.label,
        millis(median(ts)),
        millis(Math.min(...ts)),
        millis(Math.max(...ts)),
        ratio(median(vsOurs.get(r)!)),
        ratio(median(vsNode.get(r)!)),
      ];
    });
    return [
      `No-op run with ${COUNT} migrations applied (${rounds} rounds; wall time in ms; ratios = median of the per-round ratios)`,
      '',
      markdownTable(
        ['run', 'median ms', 'min ms', 'max ms', 'vs schema-operator', 'vs node -e 0'],
        table,
      ),
    ].join('\n');
  } finally {
    for (const db of dbs.values()) await dropDatabase(ctx, db);
  }
}
