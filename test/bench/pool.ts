/**
 * Benchmark `pool` (issue 20): what a SchemaMigration resync with nothing
 * to do costs the operator, per resync, in one database whose ledger holds
 * 100 applied files. Measured in this process through the engine, all in
 * the same run, the kinds taking turns so the machine's load weighs on each
 * alike:
 *
 * - the whole engine on a new connection per run (the baseline: what every
 *   resync did before the pools);
 * - the whole engine on a pooled session (a resync that must run, now);
 * - the ledger stamp on a pooled session (a Ready resync, now).
 *
 * And the ledger's idempotent DDL (what every write would run without the
 * shape check) against the one catalog query that replaces it when the
 * tables are there: alone, and while another session reads the ledger
 * (`ALTER TABLE ... ADD COLUMN IF NOT EXISTS` waits for ACCESS EXCLUSIVE).
 */
import pg from 'pg';
import { migrate, parseMigration, readLedgerStamp, SessionPool } from '../../src/engine/index.js';
import { DEFAULT_LEDGER, ledgerDdl, ledgerShapeIsCurrent } from '../../src/engine/ledger.js';
import { roundsOf, withDatabase, type BenchContext } from './context.js';
import { markdownTable, median, quantile, ratio } from './table.js';

const FILES = 100;
/** How long a reader holds the ledger in the contended rows (a `status`, a report). */
const READER_MS = 300;

type Variant = [label: string, fn: () => Promise<unknown>];
type Row = [label: string, times: number[]];

/** Milliseconds with two decimals: the stamp and shape queries take about one. */
const ms = (x: number): string => x.toFixed(2);

/** Each variant `rounds` times after a warm-up, taking turns. */
async function interleaved(rounds: number, variants: Variant[]): Promise<Row[]> {
  const times = variants.map(() => [] as number[]);
  for (const [, fn] of variants) await fn();
  for (let i = 0; i < rounds; i++)
    for (const [v, [, fn]] of variants.entries()) {
      const t = performance.now();
      await fn();
      times[v]!.push(performance.now() - t);
    }
  return variants.map(([label], v) => [label, times[v]!]);
}

/** `fn`'s time while another session holds a read lock on the ledger for READER_MS. */
async function behindReader(url: string, fn: () => Promise<unknown>): Promise<number> {
  const reader = new pg.Client({ connectionString: url });
  await reader.connect();
  try {
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM schema_operator_history');
    const done = new Promise((r) => setTimeout(r, READER_MS)).then(() => reader.query('COMMIT'));
    const t = performance.now();
    await fn();
    const took = performance.now() - t;
    await done;
    return took;
  } finally {
    await reader.end();
  }
}

/** Each variant behind a reader, `rounds` times, taking turns. */
async function contended(url: string, rounds: number, variants: Variant[]): Promise<Row[]> {
  const times = variants.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++)
    for (const [v, [, fn]] of variants.entries()) times[v]!.push(await behindReader(url, fn));
  return variants.map(([label], v) => [label, times[v]!]);
}

/** The table: each group's first row is its baseline. */
function table(groups: Row[][]): string {
  const rows = groups.flatMap((g) =>
    g.map(([label, t]) => [
      label,
      ms(median(t)),
      ms(quantile(t, 0.95)),
      ratio(median(t) / median(g[0]![1])),
    ]),
  );
  return markdownTable(['what', 'median ms', 'p95 ms', 'vs before'], rows);
}

/** Runs the benchmark and returns its table. */
export async function poolBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 60);
  return withDatabase(ctx, 'pool', async (db) => {
    const url = ctx.server.url(db);
    const migrations = Array.from({ length: FILES }, (_, i) =>
      parseMigration({
        name: `${String(i + 1).padStart(3, '0')}_t${i + 1}.sql`,
        content: `CREATE TABLE t${i + 1} (id int);`,
      }),
    );
    const run = { url, migrations, claim: { owner: 'bench/api' }, stamp: true };
    await migrate(run);
    const pool = new SessionPool();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      console.error(`pool: ${rounds} resyncs of each kind`);
      const resyncs = await interleaved(rounds, [
        ['resync: engine in full, new connection (before)', () => migrate(run)],
        ['resync: engine in full, pooled session', () => migrate({ ...run, connection: pool })],
        [
          'resync: ledger stamp, pooled session (after)',
          () => readLedgerStamp({ ...run, connection: pool }),
        ],
      ]);
      const ddl = () => c.query(ledgerDdl(DEFAULT_LEDGER));
      const shape = () => ledgerShapeIsCurrent(c, DEFAULT_LEDGER);
      const alone = await interleaved(rounds, [
        ['ledger DDL every write, tables present (before)', ddl],
        ['shape query, tables present (after)', shape],
      ]);
      const behind = await contended(url, Math.max(3, Math.round(rounds / 10)), [
        [`ledger DDL every write, a reader holds the ledger ${READER_MS} ms (before)`, ddl],
        [`shape query, a reader holds the ledger ${READER_MS} ms (after)`, shape],
      ]);
      return table([resyncs, alone, behind]);
    } finally {
      await c.end();
      await pool.end();
    }
  });
}
