/** `status`: the ledger and the plan against --dir, read-only. */
import type { Command } from 'commander';
import { redactUrl } from '../engine/connection.js';
import { ExistingSchemaError } from '../engine/errors.js';
import { inspect } from '../engine/inspect.js';
import { assertSafe } from '../engine/plan.js';
import { readMigrationDir } from '../engine/source.js';
import { databaseFlags, databaseUrl, ledgerTable, type DatabaseFlags } from './flags.js';
import {
  contractVersions,
  ledgerJson,
  planDetails,
  planJson,
  planLine,
  printJson,
} from './report.js';

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
    const result = await inspect({ url, migrations, ledger: ledgerTable(flags.historyTable) });
    const { ledger, plan } = result;
    if (flags.json) {
      printJson({ database: redactUrl(url), ledger: ledgerJson(ledger), plan: planJson(plan) });
    } else {
      console.log(
        `database ${redactUrl(url)}: ${ledger === null ? 'no ledger yet' : `version ${plan.highestApplied ?? '(none)'}`}`,
      );
      const contracts = new Set(contractVersions(plan));
      for (const r of ledger ?? []) {
        const flags = [
          contracts.has(r.version) ? 'contract' : '',
          r.kind === 'baseline' ? 'baseline' : '',
          r.outOfOrder ? 'out of order' : '',
          r.transactional ? '' : 'no-transaction',
        ]
          .filter(Boolean)
          .join(', ');
        console.log(
          `  ${r.version}_${r.name}  ${r.finishedAt.toISOString()}  ${r.executionMs} ms${flags ? `  (${flags})` : ''}`,
        );
      }
      [planLine(plan), ...planDetails(plan)].forEach((l) => console.log(l));
    }
    if (result.unmanagedRelations.length > 0)
      throw new ExistingSchemaError(result.unmanagedRelations);
    assertSafe(plan);
  });
}
