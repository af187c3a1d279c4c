/** `kubectl schema status` and `kubectl schema orgs`: read-only tables (get and list). */
import type { Command } from 'commander';
import { SCHEMA_MIGRATION, ORGANIZATION, type SchemaMigration } from '../../api/index.js';
import { UsageError } from '../exit-codes.js';
import { clusterFlags, type ListFlags } from './flags.js';
import { migrationDetails, migrationHeader, migrationRow } from './migration-rows.js';
import {
  ORGANIZATION_HEADER,
  organizationNamespace,
  organizationRow,
} from './organization-rows.js';
import { openSession } from './session.js';
import { formatTable } from './table.js';
import { migrationName } from './target.js';

/** Registers `status`. */
export function registerStatus(program: Command): void {
  clusterFlags(program.command('status'), { allNamespaces: true })
    .description('SchemaMigrations: Ready, version, pending, failure, waiting contract, approval')
    .argument('[smig/NAME]', 'one SchemaMigration (then its failure and contract in full)')
    .action(async (target: string | undefined, flags: ListFlags) => {
      if (target && flags.allNamespaces) throw new UsageError('a name cannot go with -A');
      const session = openSession(flags);
      const namespace = flags.allNamespaces ? undefined : session.namespace;
      const need = { resource: SCHEMA_MIGRATION.plural, namespace };
      const now = new Date();
      if (target) {
        const name = migrationName(target);
        const obj = await session.as({ ...need, verb: 'get' }, () =>
          session.migrations.get({ name, namespace }),
        );
        print([obj], now, false);
        for (const line of migrationDetails(obj)) console.log(line);
        return;
      }
      const list = await session.as({ ...need, verb: 'list' }, () =>
        session.migrations.list({ namespace }),
      );
      if (list.items.length === 0) {
        console.error(`No SchemaMigrations found${namespace ? ` in namespace ${namespace}` : ''}.`);
        return;
      }
      print(list.items, now, namespace === undefined);
    });
}

function print(items: SchemaMigration[], now: Date, withNamespace: boolean): void {
  const rows = items.map((o) => migrationRow(o, now, withNamespace));
  console.log(formatTable(migrationHeader(withNamespace), rows));
}

/** Registers `orgs`. */
export function registerOrgs(program: Command): void {
  clusterFlags(program.command('orgs'), {
    allNamespaces: true,
    namespaceHelp: 'only the Organization whose namespace is NS (default: all)',
  })
    .description(
      'Organizations: phase, row, namespace and its state, class (all; -n: those whose namespace is NS)',
    )
    .action(async (flags: ListFlags) => {
      const session = openSession(flags);
      // Organizations are cluster-scoped: -n picks the one(s) owning that namespace.
      const only = flags.allNamespaces ? undefined : flags.namespace;
      const list = await session.as({ verb: 'list', resource: ORGANIZATION.plural }, () =>
        session.organizations.list(),
      );
      const items = list.items.filter((o) => !only || organizationNamespace(o) === only);
      if (items.length === 0) {
        console.error(`No Organizations found${only ? ` with namespace ${only}` : ''}.`);
        return;
      }
      const now = new Date();
      console.log(
        formatTable(
          ORGANIZATION_HEADER,
          items.map((o) => organizationRow(o, now)),
        ),
      );
    });
}
