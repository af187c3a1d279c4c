/**
 * Flags shared by the database commands, and their parsing into engine
 * options. Bad values are UsageErrors naming the flag.
 */
import { Option, type Command } from 'commander';
import { InvalidDatabaseUrlError } from '../engine/database-errors.js';
import { parseDatabaseUrl } from '../engine/database-url.js';
import { parseDuration } from '../engine/duration.js';
import { DEFAULT_LEDGER, type LedgerTable } from '../engine/ledger.js';
import { DEFAULTS } from '../engine/options.js';
import { isVersion } from '../engine/version.js';
import { UsageError } from './exit-codes.js';

/** The flags as commander hands them over. */
export interface DatabaseFlags {
  databaseUrl?: string;
  dir?: string;
  historyTable: string;
  json?: boolean;
}

/** Adds --database-url (or DATABASE_URL), --history-table and --json. */
export function databaseFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL URL (or set DATABASE_URL)').env(
        'DATABASE_URL',
      ),
    )
    .option(
      '--history-table <schema.name>',
      'the ledger table',
      `${DEFAULT_LEDGER.schema}.${DEFAULT_LEDGER.name}`,
    )
    .option('--json', 'print one JSON document instead of text');
}

/** Adds the flags of a run: target, policies and timeouts. */
export function runFlags(cmd: Command): Command {
  return cmd
    .option('--target <version>', 'apply nothing past this version')
    .option('--out-of-order', 'apply pending migrations older than the newest applied one')
    .option(
      '--contract',
      'also apply contract migrations (by default the run stops before the first one)',
    )
    .option(
      '--baseline <version>',
      'on a database with tables but no ledger: record VERSION as applied',
    )
    .option(
      '--adopt-existing',
      'on a database with tables but no ledger: run every migration (re-runnable sets)',
    )
    .option(
      '--lock-timeout <duration>',
      'lock_timeout for each migration',
      `${DEFAULTS.lockTimeoutMs / 1000}s`,
    )
    .option('--statement-timeout <duration>', 'statement_timeout for each migration', '30m')
    .option(
      '--lock-wait <duration>',
      'how long to wait for another run to finish',
      `${DEFAULTS.lockWaitMs / 1000}s`,
    )
    .option('--max-retries <n>', 'retries of a transient failure', String(DEFAULTS.maxRetries));
}

/**
 * The database URL, checked by the operator's own rules (the same parser:
 * sslmode and connect_timeout only, no file paths, no socket host), so a
 * URL that works here works in a Secret. A refused URL is a UsageError.
 */
export function databaseUrl(flags: { databaseUrl?: string }): string {
  const url = flags.databaseUrl;
  if (!url) throw new UsageError('no database: give --database-url or set DATABASE_URL');
  try {
    parseDatabaseUrl(url);
  } catch (err) {
    if (err instanceof InvalidDatabaseUrlError)
      throw new UsageError(`--database-url: ${err.message}`);
    throw err;
  }
  return url;
}

/** `schema.name` or `name` (schema public). */
export function ledgerTable(text: string): LedgerTable {
  const parts = text.split('.');
  const ident = /^[A-Za-z_][A-Za-z0-9_$]*$/;
  if (parts.length > 2 || !parts.every((p) => ident.test(p))) {
    throw new UsageError(`--history-table "${text}" is not [schema.]name of plain identifiers`);
  }
  return parts.length === 2
    ? { schema: parts[0]!, name: parts[1]! }
    : { schema: 'public', name: parts[0]! };
}

/** A duration flag in milliseconds. */
export function durationFlag(name: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

/** A version flag, checked. */
export function versionFlag(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !isVersion(value)) {
    throw new UsageError(
      `--${name} "${value}" is not a version (digits with optional dots, as in 006 or 1.2)`,
    );
  }
  return value;
}

/** A non-negative integer flag. */
export function countFlag(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} "${value}" is not a whole number`);
  return Number(value);
}
