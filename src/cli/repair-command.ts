/**
 * `repair`: an applied file was edited on purpose; the ledger takes its
 * checksum, and the repair history keeps the old one, who, when and why.
 * The thin wrapper over the engine's repair (engine/repair.ts).
 */
import type { Command } from 'commander';
import { redactUrl } from '../engine/connection.js';
import { repair, type RepairOutcome } from '../engine/repair.js';
import { readMigrationDir } from '../engine/source.js';
import { UsageError } from './exit-codes.js';
import {
  databaseFlags,
  databaseUrl,
  durationFlag,
  ledgerTable,
  versionFlag,
  type DatabaseFlags,
} from './flags.js';
import { printJson } from './report.js';

interface RepairFlags extends DatabaseFlags {
  version: string;
  reason: string;
  by?: string;
  lockWait: string;
}

/** Registers `repair`. */
export function registerRepair(program: Command): void {
  databaseFlags(
    program
      .command('repair')
      .description(
        "record an intended edit of an applied file: the ledger takes the file's checksum, " +
          'the repair history keeps the old one, who, when and why',
      )
      .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files')
      .requiredOption('--version <version>', 'the applied version whose file was edited')
      .requiredOption('--reason <text>', 'why the file was edited (kept in the repair history)')
      .option('--by <who>', 'who repairs (default: user@host, as applied_by)')
      .option('--lock-wait <duration>', 'how long to wait for a run in progress', '60s'),
  ).action(async (flags: RepairFlags) => {
    if (!flags.reason.trim()) throw new UsageError('--reason must not be empty');
    const url = databaseUrl(flags);
    const version = versionFlag('version', flags.version)!;
    const migrations = await readMigrationDir(flags.dir!, { validate: false });
    const outcome = await repair(
      {
        url,
        migrations,
        ledger: ledgerTable(flags.historyTable),
        lockWaitMs: durationFlag('lock-wait', flags.lockWait),
        applicationName: 'schema-operator repair',
      },
      { version, reason: flags.reason, by: flags.by },
    );
    if (flags.json) printJson({ database: redactUrl(url), ...repairJson(outcome) });
    else console.log(repairLine(outcome));
  });
}

/** The --json shape: the version, its file, and the repair (null when nothing needed one). */
export function repairJson(o: RepairOutcome) {
  const r = o.repaired;
  return {
    version: o.version,
    file: o.file,
    repaired: r ? { ...r, repairedAt: r.repairedAt.toISOString() } : null,
  };
}

/** One line: what changed, or that nothing had to. */
export function repairLine(o: RepairOutcome): string {
  const r = o.repaired;
  if (!r)
    return `${o.version}: nothing to repair; the ledger already has the checksum of ${o.file}`;
  return `repaired ${r.version}: ${r.oldChecksum} -> ${r.newChecksum} (by ${r.repairedBy}: ${r.reason})`;
}
