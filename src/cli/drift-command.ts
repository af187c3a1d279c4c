/**
 * `drift`: the live schema against the fingerprint the last run recorded.
 * Read-only; exits 1 when there is drift so a CI job can fail on it.
 */
import type { Command } from 'commander';
import { redactUrl } from '../engine/connection.js';
import { checkDrift, type DriftReport } from '../engine/drift-check.js';
import { readMigrationDir } from '../engine/source.js';
import { EXIT } from './exit-codes.js';
import { databaseFlags, databaseUrl, ledgerTable, type DatabaseFlags } from './flags.js';
import { printJson } from './report.js';

interface DriftFlags extends DatabaseFlags {
  schema?: string[];
}

/** Registers `drift`. */
export function registerDrift(program: Command): void {
  databaseFlags(
    program
      .command('drift')
      .description(
        'compare the schema with the fingerprint the last run recorded (exit 1 on drift)',
      )
      .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files')
      .option('--schema <schema...>', 'also compare these schemas (as migrate --drift-schema)'),
  ).action(async (flags: DriftFlags) => {
    const url = databaseUrl(flags);
    const migrations = await readMigrationDir(flags.dir!, { validate: false });
    const report = await checkDrift({
      url,
      migrations,
      ledger: ledgerTable(flags.historyTable),
      driftSchemas: flags.schema,
      applicationName: 'schema-operator drift',
    });
    if (flags.json) printJson({ database: redactUrl(url), drift: driftJson(report) });
    else driftLines(redactUrl(url), report).forEach((l) => console.log(l));
    if (report.items.length > 0) process.exitCode = EXIT.failed;
  });
}

/** The --json shape: what was found, object by object. */
export function driftJson(r: DriftReport): object {
  return { recorded: r.recorded, takenAt: r.takenAt?.toISOString() ?? null, items: r.items };
}

/** The text report: a summary line, then one line per object. */
export function driftLines(database: string, r: DriftReport): string[] {
  if (!r.recorded) return [`database ${database}: no fingerprint recorded yet (run migrate first)`];
  const since = `fingerprint of ${r.takenAt!.toISOString()}`;
  if (r.items.length === 0) return [`database ${database}: no drift from the ${since}`];
  return [
    `database ${database}: ${r.items.length} object(s) drifted from the ${since}`,
    ...r.items.map((i) => `  ${i.description}`),
  ];
}
