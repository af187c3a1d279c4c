/** The `smig/NAME` argument of the plugin, spelled as kubectl takes it. */
import { GROUP, SCHEMA_MIGRATION } from '../../api/index.js';
import { UsageError } from '../exit-codes.js';

const KINDS = new Set<string>([
  SCHEMA_MIGRATION.shortName,
  SCHEMA_MIGRATION.plural,
  SCHEMA_MIGRATION.kind.toLowerCase(),
  `${SCHEMA_MIGRATION.plural}.${GROUP}`,
]);
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** The name in `smig/NAME` (or `schemamigration/NAME`, or a bare NAME); bad input is a UsageError. */
export function migrationName(arg: string): string {
  const slash = arg.indexOf('/');
  const kind = slash < 0 ? undefined : arg.slice(0, slash).toLowerCase();
  const name = slash < 0 ? arg : arg.slice(slash + 1);
  if (kind !== undefined && !KINDS.has(kind))
    throw new UsageError(`"${arg}" is not a SchemaMigration: write smig/NAME`);
  if (!NAME.test(name)) throw new UsageError(`"${name}" is not a valid SchemaMigration name`);
  return name;
}
