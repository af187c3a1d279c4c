/**
 * Benchmark 4 (issue 6): the 006 organizations change on a `sessions` table
 * of 1 million rows, with the bundled batched backfill against the same file
 * with the single-statement backfill StreamSpace shipped, while 4 clients
 * keep updating single sessions by id. Reports the migration's time and the
 * worst and p99 latency of those updates. Both variants run on copies of one
 * prepared database (CREATE DATABASE ... TEMPLATE), in one run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { bundledDir, migrate, readMigrationDir } from '../../src/engine/index.js';
import {
  createDatabase,
  dropDatabase,
  scratchDir,
  withClient,
  type BenchContext,
} from './context.js';
import { markdownTable, millis, quantile, seconds } from './table.js';

const ROWS = Number(process.env.BENCH_BACKFILL_ROWS ?? 1_000_000);
const CLIENTS = 4;

/** The 006 file with its batched DO-block backfill replaced by one UPDATE per table. */
function singleStatementVariant(dir: string): string {
  const original = readFileSync(join(bundledDir('streamspace'), '006_organizations.sql'), 'utf8');
  const start = original.indexOf('-- Backfill in bounded transactions');
  const end = original.indexOf('ALTER TABLE users VALIDATE');
  const replaced =
    original.slice(0, start) +
    "UPDATE users SET org_id = 'default-org' WHERE org_id IS NULL;\n" +
    "UPDATE sessions SET org_id = 'default-org' WHERE org_id IS NULL;\n\n" +
    original.slice(end);
  writeFileSync(join(dir, '006_organizations.sql'), replaced);
  return dir;
}

interface Outcome {
  migrationMs: number;
  updates: number[];
}

/** Applies 006 from `dir` to `db` while CLIENTS sessions update random rows by id. */
async function measure(ctx: BenchContext, db: string, dir: string): Promise<Outcome> {
  const url = ctx.server.url(db);
  const migrations = (await readMigrationDir(dir)).filter((m) => m.version === '006');
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const updates: number[] = [];
  let running = true;
  const workload = clients.map(async (c) => {
    while (running) {
      const id = `s${1 + Math.floor(Math.random() * ROWS)}`;
      const t = performance.now();
      await c.query('UPDATE sessions SET last_connection = now() WHERE id = $1', [id]);
      updates.push(performance.now() - t);
    }
  });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const t = performance.now();
    await migrate({
      url,
      migrations,
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 3_600_000,
      outOfOrder: false,
    });
    const migrationMs = performance.now() - t;
    await new Promise((r) => setTimeout(r, 200));
    return { migrationMs, updates };
  } finally {
    running = false;
    await Promise.all(workload);
    await Promise.all(clients.map((c) => c.end()));
  }
}

/** Runs the benchmark and returns its Markdown table. */
export async function backfillBenchmark(ctx: BenchContext): Promise<string> {
  const template = await createDatabase(ctx, 'backfill_template');
  try {
    const all = await readMigrationDir(bundledDir('streamspace'));
    await migrate({ url: ctx.server.url(template), migrations: all, target: '005' });
    await withClient(ctx.server.url(template), async (c) => {
      await c.query(`INSERT INTO sessions (id, state, template_name)
                     SELECT 's' || g, 'running', 'firefox' FROM generate_series(1, ${ROWS}) g`);
      await c.query('VACUUM ANALYZE sessions');
    });
    const variants: Array<[string, string]> = [
      ['bundled 006 (batches of 5000)', bundledDir('streamspace')],
      ['single-statement backfill', singleStatementVariant(scratchDir(ctx, 'backfill'))],
    ];
    const rows: string[][] = [];
    for (const [label, dir] of variants) {
      const db = `${template}_${rows.length}`;
      await withClient(ctx.server.url(), (c) =>
        c.query(`CREATE DATABASE ${db} TEMPLATE ${template}`),
      );
      try {
        const o = await measure(ctx, db, dir);
        rows.push([
          label,
          seconds(o.migrationMs),
          String(o.updates.length),
          millis(quantile(o.updates, 0.5)),
          millis(quantile(o.updates, 0.99)),
          millis(o.updates.reduce((a, b) => Math.max(a, b), 0)),
        ]);
      } finally {
        await dropDatabase(ctx, db);
      }
      console.error(`backfill: ${label} done`);
    }
    return (
      markdownTable(['006 with', 'migration s', 'updates', 'p50 ms', 'p99 ms', 'worst ms'], rows) +
      `\n\n${ROWS} sessions rows; ${CLIENTS} clients running \`UPDATE sessions ... WHERE id = $1\` throughout.`
    );
  } finally {
    await dropDatabase(ctx, template);
  }
}
