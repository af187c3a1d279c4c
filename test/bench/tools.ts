/**
 * The tools under comparison, each run as a child process the way a user or
 * an init container runs it: the psql floor, schema-operator's CLI,
 * node-pg-migrate's CLI and dbmate's Go binary. Node tools run on the same
 * Node 24 as the benchmark (`process.execPath`), without npx in front.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLI } from '../support/cli.js';
import { timedOk, timed, type Timed, type TimedOptions } from './proc.js';
import { PSQL_LEDGER, type MigrationSet } from './sources.js';

/** Debian's psql (any client version reads these scripts); `PSQL` names another. */
export const PSQL = process.env.PSQL ?? '/usr/bin/psql';

const require = createRequire(import.meta.url);
/** dbmate's Go binary itself, not the npm wrapper that would add a Node start to every run. */
export const DBMATE = join(
  dirname(require.resolve('@dbmate/linux-x64/package.json')),
  'bin',
  'dbmate',
);
/** node-pg-migrate's CLI entry point. */
export const NODE_PG_MIGRATE = join(
  dirname(require.resolve('node-pg-migrate/package.json')),
  'bin',
  'node-pg-migrate.js',
);

/** How a tool is asked to apply a set. */
export interface ApplyOptions {
  /** `per-file`: one transaction per file, as the floor; `defaults`: the tool's own defaults. */
  mode?: 'per-file' | 'defaults';
  /** Extra arguments (schema-operator only, e.g. `--lock-timeout 500ms`). */
  extraArgs?: string[];
  timeoutMs?: number;
}

/** A migration tool: how to run it and where it records what it applied. */
export interface Tool {
  key: 'psql' | 'ours' | 'node-pg-migrate' | 'dbmate';
  label: string;
  /** The ledger table, to check that a run did what it should. */
  ledger: string;
  /** Applies every pending file of `set` to `url`; throws when the tool fails. */
  apply(url: string, set: MigrationSet, opts?: ApplyOptions): Promise<Timed>;
  /** The same, but a failure is returned rather than thrown. */
  attempt(url: string, set: MigrationSet, opts?: ApplyOptions): Promise<Timed>;
}

type Command = [string, string[], TimedOptions];

function tool(
  key: Tool['key'],
  label: string,
  ledger: string,
  command: (url: string, set: MigrationSet, opts: ApplyOptions) => Command,
): Tool {
  return {
    key,
    label,
    ledger,
    apply: (url, set, opts = {}) => {
      const [cmd, args, o] = command(url, set, opts);
      return timedOk(label, cmd, args, { ...o, timeoutMs: opts.timeoutMs });
    },
    attempt: (url, set, opts = {}) => {
      const [cmd, args, o] = command(url, set, opts);
      return timed(cmd, args, { ...o, timeoutMs: opts.timeoutMs });
    },
  };
}

/** psql running the driver script: the least work any tool can do for the same result. */
export const psqlFloor = tool('psql', 'psql (floor)', PSQL_LEDGER, (url, set) => [
  PSQL,
  ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', set.psqlDriver],
  {},
]);

/** schema-operator's CLI, as built into dist/. */
export const ours = tool('ours', 'schema-operator', 'schema_operator_history', (url, set, opts) => [
  process.execPath,
  [CLI, 'migrate', '--database-url', url, '--dir', set.plainDir, ...(opts.extraArgs ?? [])],
  {},
]);

/**
 * node-pg-migrate reads `.sql` files as they are (its legacy SQL loader: the
 * whole file is the up migration, sent as one multi-statement query). By
 * default it puts every pending file into ONE transaction;
 * `--no-single-transaction` gives each file its own, like the others.
 * `--no-verbose` stops it echoing every statement.
 */
export const nodePgMigrate = tool(
  'node-pg-migrate',
  'node-pg-migrate',
  'pgmigrations',
  (url, set, opts) => [
    process.execPath,
    [
      NODE_PG_MIGRATE,
      'up',
      '--migrations-dir',
      set.plainDir,
      ...(opts.mode === 'defaults' ? [] : ['--no-single-transaction', '--no-verbose']),
    ],
    { env: { DATABASE_URL: url } },
  ],
);

/** dbmate: one transaction per file by default; no schema dump (it would need pg_dump). */
export const dbmate = tool('dbmate', 'dbmate', 'schema_migrations', (url, set) => [
  DBMATE,
  ['--url', withoutSsl(url), '--migrations-dir', set.dbmateDir, '--no-dump-schema', 'migrate'],
  {},
]);

/** dbmate's driver asks for TLS unless told not to; the throwaway server has none. */
function withoutSsl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

/** Every tool, floor first. */
export const TOOLS: Tool[] = [psqlFloor, ours, nodePgMigrate, dbmate];
