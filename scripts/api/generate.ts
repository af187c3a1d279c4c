/**
 * `npm run gen:api`: writes src/api/generated.ts and docs/crds.md from crds/.
 * The render functions are also what the drift tests compare the committed
 * files with. Uses prettier (a dev dependency), so only development tools
 * import this module; the operator never does.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { generateTypes } from './codegen.js';
import { loadCrds, packageRoot } from '../../src/api/crds.js';
import { generateDoc } from './docgen.js';
import {
  exampleOrganization,
  exampleOrganizationClass,
  exampleSchemaMigration,
} from './examples.js';
import type { Crd } from '../../src/api/schema.js';

/** Where the generated files go, relative to the package root. */
export const TYPES_FILE = 'src/api/generated.ts';
/** The CRD reference, relative to the package root. */
export const DOC_FILE = 'docs/crds.md';

/** Names for the generated types, by schema path (see CodegenOptions.typeNames). */
export const TYPE_NAMES: Record<string, string> = {
  'SchemaMigration.spec.database': 'MigrationDatabase',
  'SchemaMigration.spec.database.urlSecretRef': 'SecretKeyRef',
  'SchemaMigration.spec.source': 'MigrationSource',
  'SchemaMigration.spec.source.configMaps[]': 'ConfigMapRef',
  'SchemaMigration.spec.source.inline[]': 'InlineMigration',
  'SchemaMigration.spec.historyTable': 'HistoryTable',
  'SchemaMigration.spec.policy': 'MigrationPolicy',
  'SchemaMigration.spec.policy.baseline': 'Baseline',
  'SchemaMigration.status.phase': 'MigrationPhase',
  'SchemaMigration.status.counts': 'MigrationCounts',
  'SchemaMigration.status.lastApplied': 'LastApplied',
  'SchemaMigration.status.failure': 'MigrationFailure',
  'SchemaMigration.status.conditions[]': 'Condition',
  'SchemaMigration.status.conditions[].status': 'ConditionStatus',
  'Organization.spec.deletionPolicy': 'DeletionPolicy',
  'Organization.spec.databaseRef': 'SchemaMigrationRef',
  'Organization.status.phase': 'OrganizationPhase',
  'Organization.status.conditions[]': 'Condition',
  'Organization.status.conditions[].status': 'ConditionStatus',
};

/** The contents src/api/generated.ts must have, formatted as the repository formats it. */
export async function renderTypes(crds: Crd[], root = packageRoot()): Promise<string> {
  return pretty(generateTypes(crds, { typeNames: TYPE_NAMES }), join(root, TYPES_FILE));
}

/** The contents docs/crds.md must have, formatted as the repository formats it. */
export async function renderDoc(crds: Crd[], root = packageRoot()): Promise<string> {
  const examples = {
    SchemaMigration: exampleSchemaMigration,
    Organization: exampleOrganization,
    OrganizationClass: exampleOrganizationClass,
  };
  return pretty(generateDoc(crds, { examples }), join(root, DOC_FILE));
}

async function pretty(text: string, file: string): Promise<string> {
  const config = (await resolveConfig(file)) ?? {};
  return format(text, { ...config, filepath: file });
}

/** Regenerates both files in place. */
export async function main(): Promise<void> {
  const root = packageRoot();
  const crds = await loadCrds();
  await writeFile(join(root, TYPES_FILE), await renderTypes(crds, root));
  await writeFile(join(root, DOC_FILE), await renderDoc(crds, root));
  console.log(`wrote ${TYPES_FILE} and ${DOC_FILE}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
