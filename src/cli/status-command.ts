/** `status`: the ledger and the plan against --dir, read-only. */
import type { Command } from 'commander';
import { redactUrl } from '../engine/connection.js';
import { ExistingSchemaError } from '../engine/errors.js';
import { inspect } from '../engine/inspect.js';
import { assertSafe } from '../engine/plan.js';
import { readMigrationDir } from '../engine/source.js';
import {
  databaseFlags,
  databaseUrl,
  ledgerTable as ledgerFlag,
  type DatabaseFlags,
} from './flags.js';
import { ledgerJson, planDetails, planJson, planLine, printJson, repairsJson } from './report.js';
import { ledgerTable, repairsTable } from './status-table.js';

/** Registers `status`. */
export function registerStatus(program: Command): void {
  databaseFlags(
    program
      .command('status')
      .description('show the ledger and what is applied, pending, changed or missing against --dir')
      .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files'),
  ).action(async (flags: DatabaseFlags) => {
    const url = databaseUrl(flags);
    const migrations = await readMigrationDir(flags.dir!, { validate: false });
    const result = await inspect({ url, migrations, ledger: ledgerFlag(flags.historyTable) });
    const { ledger, plan } = result;
    if (flags.json) {
      printJson({
        database: redactUrl(url),
        ledger: ledgerJson(ledger),
        plan: planJson(plan),
        repairs: repairsJson(result.repairs),
      });
    } else {
      console.log(
        `database ${redactUrl(url)}: ${ledger === null ? 'no ledger yet' : `version ${plan.highestApplied ?? '(none)'}`}`,
      );
      if (ledger?.length) ledgerTable(ledger, plan, result.repairs).forEach((l) => console.log(l));
      repairsTable(result.repairs).forEach((l) => console.log(l));
      [planLine(plan), ...planDetails(plan)].forEach((l) => console.log(l));
    }
    if (result.unmanagedRelations.length > 0)
      throw new ExistingSchemaError(result.unmanagedRelations);
    assertSafe(plan);
  });
}
