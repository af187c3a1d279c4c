/**
 * Benchmark 3: the lock queue. A session holds a read lock on `hot` for 6 s
 * (an open transaction that read the table, as a slow report does). A
 * migration then runs `ALTER TABLE hot ADD COLUMN`, which needs an ACCESS
 * EXCLUSIVE lock, and while it waits in the queue every later reader waits
 * behind it. Four readers poll `SELECT count(*) FROM hot` every ~20 ms and we
 * report the worst latency any of them saw, and whether the migration still
 * succeeded. The hold is the baseline: a tool without a lock_timeout makes
 * readers wait for about all of it.
 */
import pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createDatabase,
  dropDatabase,
  roundsOf,
  scratchDir,
  withClient,
  type BenchContext,
} from './context.js';
import type { GeneratedMigration } from './generate.js';
import type { Timed } from './proc.js';
import { writeMigrationSet, type MigrationSet } from './sources.js';
import { markdownTable, median, millis, quantile, ratio, seconds } from './table.js';
import { dbmate, nodePgMigrate, ours, psqlFloor, type ApplyOptions, type Tool } from './tools.js';

/** How long the reader holds its lock. */
const HOLD_MS = 6_000;
/** Readers and their pause between queries. */
const READERS = 4;
const POLL_MS = 20;
/** Reader latency measured before the hold, and after the migration ended. */
const MARGIN_MS = 300;
/** The migration starts this long after the hold, so it surely queues behind it. */
const START_AFTER_MS = 200;

const CREATE_HOT: GeneratedMigration = {
  version: '001',
  name: 'create_hot',
  sql: `CREATE TABLE hot (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text NOT NULL);
INSERT INTO hot (v) SELECT md5(g::text) FROM generate_series(1, 10000) AS g;
`,
};
const ALTER_HOT: GeneratedMigration = {
  version: '002',
  name: 'add_flag_to_hot',
  sql: 'ALTER TABLE hot ADD COLUMN flag boolean NOT NULL DEFAULT false;\n',
};

/** One way of running the migration. */
interface Variant {
  label: string;
  tool: Tool;
  opts: ApplyOptions;
}

const VARIANTS: Variant[] = [
  { label: 'psql (plain, no lock_timeout)', tool: psqlFloor, opts: {} },
  {
    label: 'schema-operator --lock-timeout 500ms',
    tool: ours,
    opts: { extraArgs: ['--lock-timeout', '500ms'] },
  },
  { label: 'schema-operator (default lock timeout 5s)', tool: ours, opts: {} },
  { label: 'node-pg-migrate (defaults)', tool: nodePgMigrate, opts: { mode: 'defaults' } },
  { label: 'dbmate (defaults)', tool: dbmate, opts: { mode: 'defaults' } },
];

/** What one run saw. */
interface Outcome {
  ok: boolean;
  migrateMs: number;
  worstMs: number;
  p50Ms: number;
  retries: number | null;
}

/** Runs the benchmark and returns its table. */
export async function lockBenchmark(ctx: BenchContext): Promise<string> {
  const rounds = roundsOf(ctx, 3);
  const dir = scratchDir(ctx, 'lock');
  const sets = {
    before: writeMigrationSet(`${dir}/before`, [CREATE_HOT]),
    after: writeMigrationSet(`${dir}/after`, [CREATE_HOT, ALTER_HOT]),
    // psql has no ledger of its own to skip what ran: its second script holds only the ALTER.
    psqlAfter: writeMigrationSet(`${dir}/psql-after`, [ALTER_HOT]),
  };
  console.error(
    `lock: hold ${HOLD_MS} ms, ${READERS} readers every ${POLL_MS} ms, ${rounds} rounds`,
  );
  const outcomes = new Map<Variant, Outcome[]>(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const v of order) {
      const o = await runOnce(ctx, v, sets);
      outcomes.get(v)!.push(o);
      console.error(
        `  round ${round + 1}: ${v.label}: ${o.ok ? 'ok' : 'FAILED'} in ${seconds(o.migrateMs)} s, ` +
          `worst reader ${millis(o.worstMs)} ms`,
      );
    }
  }
  const rows = VARIANTS.map((v) => {
    const os = outcomes.get(v)!;
    const worst = os.map((o) => o.worstMs);
    const retries = os.map((o) => o.retries).filter((r): r is number => r !== null);
    return [
      v.label,
      `${os.filter((o) => o.ok).length}/${os.length}`,
      seconds(median(os.map((o) => o.migrateMs))),
      millis(median(worst)),
      millis(Math.max(...worst)),
      ratio(median(worst) / HOLD_MS),
      millis(median(os.map((o) => o.p50Ms))),
      retries.length ? String(median(retries)) : '-',
    ];
  });
  return [
    `Lock queue: a reader holds ACCESS SHARE on \`hot\` for ${HOLD_MS / 1000} s; the migration adds a column; ${READERS} readers poll every ${POLL_MS} ms (${rounds} rounds; medians)`,
    '',
    markdownTable(
      [
        'migration run by',
        'succeeded',
        'migration s',
        'worst reader ms',
        'max worst ms',
        'worst / hold',
        'reader p50 ms',
        'retries',
      ],
      rows,
    ),
  ].join('\n');
}

async function runOnce(
  ctx: BenchContext,
  v: Variant,
  sets: Record<'before' | 'after' | 'psqlAfter', MigrationSet>,
): Promise<Outcome> {
  const db = await createDatabase(ctx, `lock_${v.tool.key.replace(/\W/g, '_')}`);
  const url = ctx.server.url(db);
  try {
    await v.tool.apply(url, sets.before, v.opts);
    const readers = await startReaders(url);
    const holder = new pg.Client({ connectionString: url });
    let migration: Promise<Timed> | null = null;
    try {
      await sleep(MARGIN_MS);
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM hot');
      const held = performance.now();
      await sleep(START_AFTER_MS);
      migration = v.tool.attempt(url, v.tool === psqlFloor ? sets.psqlAfter : sets.after, {
        ...v.opts,
        timeoutMs: 60_000,
      });
      await sleep(Math.max(0, held + HOLD_MS - performance.now()));
      await holder.query('COMMIT');
      const run = await migration;
      await sleep(MARGIN_MS);
      const latencies = await readers.stop();
      const added = await withClient(url, (c) =>
        c.query(`SELECT 1 FROM pg_attribute WHERE attrelid = 'hot'::regclass AND attname = 'flag'`),
      );
      return {
        ok: run.code === 0 && added.rowCount === 1,
        migrateMs: run.ms,
        worstMs: Math.max(...latencies),
        p50Ms: quantile(latencies, 0.5),
        retries: v.tool === ours ? await failedAttempts(url) : null,
      };
    } finally {
      await migration?.catch(() => undefined);
      await readers.stop();
      await holder.end().catch(() => undefined);
    }
  } finally {
    await dropDatabase(ctx, db);
  }
}

/** schema-operator records each failed attempt (here: each lock timeout) in its attempts table. */
async function failedAttempts(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM schema_operator_attempts WHERE status = 'failed'`,
    );
    return rows[0]?.n ?? 0;
  });
}

/** Readers, each on its own connection, polling until stopped; `stop` returns every latency. */
async function startReaders(url: string): Promise<{ stop(): Promise<number[]> }> {
  const clients = await Promise.all(
    Array.from({ length: READERS }, async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'bench reader' });
      await c.connect();
      return c;
    }),
  );
  const latencies: number[] = [];
  let stopping = false;
  const loops = clients.map(async (c) => {
    while (!stopping) {
      const started = performance.now();
      await c.query('SELECT count(*) FROM hot');
      latencies.push(performance.now() - started);
      await sleep(POLL_MS);
    }
  });
  let stopped: Promise<number[]> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await Promise.allSettled(loops);
        await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
        return latencies;
      })();
      return stopped;
    },
  };
}
