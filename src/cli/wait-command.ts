/**
 * `wait`: for init containers. Exits 0 once the database is at (or past) a
 * version, 3 when the timeout passes first, with a line saying what it waits for.
 */
import type { Command } from 'commander';
import { readMigrationDir, redactUrl, waitForVersion, type Migration } from '../engine/index.js';
import { EXIT, UsageError } from './exit-codes.js';
import {
  databaseFlags,
  databaseUrl,
  durationFlag,
  ledgerTable,
  versionFlag,
  type DatabaseFlags,
} from './flags.js';

interface WaitFlags extends DatabaseFlags {
  version?: string;
  timeout: string;
}

/** Registers `wait`. */
export function registerWait(program: Command): void {
  databaseFlags(
    program
      .command('wait')
      .description(
        'wait until the database has applied --version (for init containers); exit 3 on timeout',
      )
      .option('--version <version>', 'the version to wait for')
      .option('--dir <dir>', 'also require every migration of DIR up to --version')
      .option('--timeout <duration>', 'give up after this long', '10m'),
  ).action(async (flags: WaitFlags) => {
    const url = databaseUrl(flags);
    const version = versionFlag('version', flags.version);
    if (!version) throw new UsageError('wait needs --version');
    const timeoutMs = durationFlag('timeout', flags.timeout);
    const migrations: Migration[] | undefined = flags.dir
      ? await readMigrationDir(flags.dir, { validate: false })
      : undefined;
    const target = `${redactUrl(url)} to reach version ${version}`;
    console.error(`waiting up to ${flags.timeout} for ${target}`);
    let last = '';
    const ok = await waitForVersion({
      url,
      version,
      timeoutMs,
      migrations,
      ledger: ledgerTable(flags.historyTable),
      onPoll: (s) => {
        const now = s.error
          ? `cannot read the database yet: ${s.error}`
          : `at version ${s.highestApplied ?? '(none)'}`;
        if (now !== last && !s.satisfied) console.error(now);
        last = now;
      },
    });
    if (flags.json) console.log(JSON.stringify({ satisfied: ok, version }));
    if (ok) {
      if (!flags.json) console.error(`done: ${target}`);
      return;
    }
    console.error(`timed out after ${flags.timeout} waiting for ${target}`);
    process.exitCode = EXIT.transient;
  });
}
