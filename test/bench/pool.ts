/**
 * Benchmark `pool` (issue 20): what a SchemaMigration resync with nothing
 * to do costs the operator, per resync, in one database whose ledger holds
 * 100 applied files. Measured in this process through the engine, one
 * resync after another, all in the same run:
 *
 * - the whole engine on a new connection per run (the baseline: what every
 *   resync did before the pools);
 * - the whole engine on a pooled session (what a resync that must run does now);
 * - the ledger stamp on a pooled session (what a Ready resync does now).
 *
 * And the ledger's DDL against the one catalog query that now replaces it
 * when the tables are there at the current shape, on one held session.
 */
import pg from 'pg';
import {
  migrate,
  parseMigration,
  readLedgerStamp,
  SessionPool,
  type RunOptions,
} from '../../src/engine/index.js';
import { DEFAULT_LEDGER, ledgerDdl, ledgerShapeIsCurrent } from '../../src/engine/ledger.js';
import { roundsOf, withDatabase, type BenchContext } from './context.js';
import { markdownTable, median, quantile, ratio } from './table.js';

/** Milliseconds with two decimals: the stamp and shape queries take well under one. */
const ms = (x: number): string => x.toFixed(2);

const FILES = 100;

/** Median and p95 of `rounds` calls of `fn`, after two warm-ups. */
async function timed(rounds: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  await fn();
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times;
}

/** Runs the benchmark and returns its table. */
export async function poolBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 40);
  return withDatabase(ctx, 'pool', async (db) => {
    const url = ctx.server.url(db);
    const migrations = Array.from({ length: FILES }, (_, i) =>
      parseMigration({
        name: `${String(i + 1).padStart(3, '0')}_t${i + 1}.sql`,
        content: `CREATE TABLE t${i + 1} (id int);`,
      }),
    );
    const run: RunOptions = { url, migrations, claim: { owner: 'bench/api' }, stamp: true };
    await migrate(run);
    const pool = new SessionPool();
    const rows: Array<[string, number[]]> = [];
    try {
      console.error(`pool: ${rounds} resyncs each`);
      rows.push([
        'resync: engine in full, new connection (before)',
        await timed(rounds, () => migrate(run)),
      ]);
      rows.push([
        'resync: engine in full, pooled session',
        await timed(rounds, () => migrate({ ...run, connection: pool })),
      ]);
      rows.push([
        'resync: ledger stamp, pooled session (after)',
        await timed(rounds, () => readLedgerStamp({ ...run, connection: pool })),
      ]);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        rows.push([
          'ledger DDL, tables present (before)',
          await timed(rounds, () => c.query(ledgerDdl(DEFAULT_LEDGER))),
        ]);
        rows.push([
          'shape query, tables present (after)',
          await timed(rounds, () => ledgerShapeIsCurrent(c, DEFAULT_LEDGER)),
        ]);
      } finally {
        await c.end();
      }
    } finally {
      await pool.end();
    }
    const base = (label: string) => median(rows.find(([l]) => l.startsWith(label))![1]);
    return markdownTable(
      ['what', 'median ms', 'p95 ms', 'vs before'],
      rows.map(([label, t]) => [
        label,
        ms(median(t)),
        ms(quantile(t, 0.95)),
        ratio(median(t) / base(label.startsWith('resync') ? 'resync' : 'ledger DDL')),
      ]),
    );
  });
}
