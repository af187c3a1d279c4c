/**
 * `migrate` and `plan` (= `migrate --dry-run`): parse flags, read the source,
 * run the engine, print. The core is the engine; this is the thin wrapper.
 */
import type { Command } from 'commander';
import { redactUrl } from '../engine/connection.js';
import { ExistingSchemaError } from '../engine/errors.js';
import { migrate } from '../engine/migrate.js';
import type { RunOptions } from '../engine/options.js';
import { assertSafe } from '../engine/plan.js';
import { readMigrationDir } from '../engine/source.js';
import {
  countFlag,
  databaseFlags,
  databaseUrl,
  durationFlag,
  ledgerTable,
  runFlags,
  versionFlag,
} from './flags.js';
import type { DatabaseFlags } from './flags.js';
import { UsageError } from './exit-codes.js';
import { heldLine, planDetails, planJson, planLine, printJson } from './report.js';
import { progress } from './progress.js';

interface MigrateFlags extends DatabaseFlags {
  target?: string;
  dryRun?: boolean;
  outOfOrder?: boolean;
  contract?: boolean;
  baseline?: string;
  adoptExisting?: boolean;
  lockTimeout: string;
  statementTimeout: string;
  lockWait: string;
  maxRetries: string;
  driftSchema?: string[];
}

/** Registers `migrate` and `plan` on the program. */
export function registerMigrate(program: Command): void {
  const migrateCmd = program
    .command('migrate')
    .description(
      'apply every pending migration of --dir, in version order, each once, under a lock',
    )
    .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files')
    .option('--dry-run', 'print the plan and change nothing')
    .option(
      '--drift-schema <schema...>',
      'also fingerprint these schemas for drift (the ledger schema always is)',
    );
  runFlags(databaseFlags(migrateCmd)).action((flags: MigrateFlags) => runMigrate(flags));

  const planCmd = program
    .command('plan')
    .description('print what migrate would do, and whether it is safe (same as migrate --dry-run)')
    .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files');
  runFlags(databaseFlags(planCmd)).action((flags: MigrateFlags) =>
    runMigrate({ ...flags, dryRun: true }),
  );
}

/** Turns flags into engine options; every bad value is a UsageError. */
export async function runOptions(flags: MigrateFlags): Promise<RunOptions> {
  if (flags.baseline && flags.adoptExisting)
    throw new UsageError('--baseline and --adopt-existing exclude each other');
  const url = databaseUrl(flags);
  const options: RunOptions = {
    url,
    migrations: [],
    ledger: ledgerTable(flags.historyTable),
    target: versionFlag('target', flags.target),
    baseline: versionFlag('baseline', flags.baseline),
    outOfOrder: !!flags.outOfOrder,
    // The CLI cannot see what still runs against the schema: it holds every contract unless told.
    holdContract: flags.contract ? undefined : () => true,
    adoptExisting: !!flags.adoptExisting,
    lockTimeoutMs: durationFlag('lock-timeout', flags.lockTimeout),
    statementTimeoutMs: durationFlag('statement-timeout', flags.statementTimeout),
    lockWaitMs: durationFlag('lock-wait', flags.lockWait),
    maxRetries: countFlag('max-retries', flags.maxRetries),
    applicationName: 'schema-operator migrate',
    driftSchemas: flags.driftSchema,
  };
  options.migrations = await readMigrationDir(flags.dir!, { validate: false });
  return options;
}

async function runMigrate(flags: MigrateFlags): Promise<void> {
  const options = await runOptions(flags);
  const database = redactUrl(options.url);
  const json = !!flags.json;
  if (flags.dryRun) return printPlan(options, database, json);
  const bar = await progress({ quiet: json });
  try {
    const result = await migrate(options, bar);
    bar.stop();
    const version = result.applied.at(-1)?.version ?? result.plan.highestApplied;
    if (json) {
      printJson({
        database,
        dryRun: false,
        plan: planJson(result.plan),
        applied: result.applied,
        version,
        heldAt: result.plan.held[0]?.version ?? null,
      });
    } else {
      if (result.baselined) console.log(`recorded baseline ${result.baselined}`);
      const missing = result.plan.missing.length
        ? ` (${result.plan.missing.length} in the ledger but not in --dir)`
        : '';
      console.log(
        result.applied.length === 0
          ? `up to date at version ${version ?? '(none)'}${missing}`
          : `applied ${result.applied.length} migration(s); database at version ${version}${missing}`,
      );
      const held = heldLine(result.plan);
      if (held) console.log(held);
      for (const c of result.plan.commentsOnly)
        console.log(`${c.version}_${c.name}: edited (comments only); the ledger keeps what ran`);
    }
  } finally {
    bar.stop();
  }
}

/**
 * `plan`: what a run would do, and whether it is safe. The inspection, the
 * linter and the approval report load only here, not for every `migrate`.
 */
async function printPlan(options: RunOptions, database: string, json: boolean): Promise<void> {
  const { inspect } = await import('../engine/inspect.js');
  const { approvalInfo, approvalLines } = await import('./plan-report.js');
  const found = await inspect(options, { findings: true });
  const { plan, unmanagedRelations } = found;
  const approval = approvalInfo(plan, options.target, found);
  if (json) printJson({ database, dryRun: true, plan: { ...planJson(plan), ...approval } });
  else
    [planLine(plan), ...planDetails(plan), ...approvalLines(approval)].forEach((l) =>
      console.log(l),
    );
  if (unmanagedRelations.length > 0) throw new ExistingSchemaError(unmanagedRelations);
  assertSafe(plan, options);
}
