/**
 * What every benchmark shares: one throwaway PostgreSQL server, a scratch
 * directory, the number of rounds, and fresh databases on demand. Databases
 * are dropped as soon as a measurement is done, so a run never piles up.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { withClient } from '../support/pg.js';
import type { LocalPostgres } from '../../src/devcluster/postgres.js';

/** Handed to each benchmark by the runner. */
export interface BenchContext {
  server: LocalPostgres;
  /** Scratch space, removed by the runner. */
  tmp: string;
  /** Rounds to run, when BENCH_ROUNDS overrides each benchmark's default. */
  rounds: number | null;
  /** The server's `server_version`, for the report. */
  serverVersion: string;
}

let counter = 0;

/** A new directory under the scratch space. */
export function scratchDir(ctx: BenchContext, prefix: string): string {
  const dir = join(ctx.tmp, `${prefix}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs `fn` with a connected client, always closing it (the test suites' helper). */
export { withClient };

/** Creates an empty database and returns its name. */
export async function createDatabase(ctx: BenchContext, prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${++counter}`;
  await withClient(ctx.server.url(), (c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

/** Drops a database, ending any session still in it. */
export async function dropDatabase(ctx: BenchContext, name: string): Promise<void> {
  await withClient(ctx.server.url(), (c) =>
    c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}

/** Runs `fn` with a new database, dropping it afterwards whatever happens. */
export async function withDatabase<T>(
  ctx: BenchContext,
  prefix: string,
  fn: (db: string) => Promise<T>,
): Promise<T> {
  const db = await createDatabase(ctx, prefix);
  try {
    return await fn(db);
  } finally {
    await dropDatabase(ctx, db);
  }
}

/**
 * Writes dirty pages out before a timed run, so no run pays for the
 * checkpoint that the previous one made necessary.
 */
export async function checkpoint(ctx: BenchContext): Promise<void> {
  await withClient(ctx.server.url(), (c) => c.query('CHECKPOINT'));
}

/** The number of rows of `table` in database `db` (0 when it does not exist). */
export async function countRows(ctx: BenchContext, db: string, table: string): Promise<number> {
  return withClient(ctx.server.url(db), async (c) => {
    const exists = await c.query<{ r: string | null }>('SELECT to_regclass($1) AS r', [table]);
    if (!exists.rows[0]?.r) return 0;
    const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0]?.n ?? 0;
  });
}

/** The rounds of a benchmark: BENCH_ROUNDS when set, else its own default. */
export function roundsOf(ctx: BenchContext, fallback: number): number {
  return ctx.rounds ?? fallback;
}
