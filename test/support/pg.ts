/**
 * PostgreSQL for the integration suites: one throwaway server per major per
 * test run (started on first use, stopped by the root hook), and a fresh
 * database per test. `TEST_DATABASE_URL` points the suites at an external
 * server instead; then only that server is used.
 */
import pg from 'pg';
import {
  startLocalPostgres,
  type LocalPostgres,
  type PostgresMajor,
} from '../../src/devcluster/postgres.js';

/** The majors the integration suites run on. */
export const MAJORS: PostgresMajor[] = process.env.TEST_DATABASE_URL ? [18] : [15, 18];

const servers = new Map<PostgresMajor, Promise<LocalPostgres>>();
let counter = 0;

/** The shared server of a major, started on first use. */
export function server(major: PostgresMajor): Promise<LocalPostgres> {
  let s = servers.get(major);
  if (!s) {
    s = startLocalPostgres({ major });
    servers.set(major, s);
  }
  return s;
}

/** The admin URL of the server the suites use for `major`. */
export async function adminUrl(major: PostgresMajor): Promise<string> {
  const external = process.env.TEST_DATABASE_URL;
  return external ?? (await server(major)).url();
}

/** Creates an empty database and returns its URL. */
export async function freshDatabase(major: PostgresMajor): Promise<string> {
  const admin = await adminUrl(major);
  const name = `t_${process.pid}_${++counter}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` with a connected client, always closing it. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs one query and returns its rows. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (c) => (await c.query<T>(sql, params)).rows);
}

/** Stops every server this run started. */
export async function stopAll(): Promise<void> {
  const all = [...servers.values()];
  servers.clear();
  await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.stop()));
}
