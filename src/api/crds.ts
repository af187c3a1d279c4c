/**
 * Reads the CRD YAML in crds/, the one source of truth for both schemas.
 * The directory is found from this module's own location so that the same
 * code works from src/api/ (tests, generators) and dist/src/api/ (the
 * installed package, which ships crds/ next to dist/).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { Crd } from './schema.js';

/** The CRD files, in a stable order (also the order of the generated types and docs). */
export const CRD_FILES = [
  'schema.streamspace.io_schemamigrations.yaml',
  'schema.streamspace.io_organizations.yaml',
  'schema.streamspace.io_organizationclasses.yaml',
] as const;

/**
 * The package root: the nearest directory above `from` holding both
 * package.json and crds/. Throws when there is none (a broken install).
 */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'crds'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package root with crds/ above ${from}`);
  }
}

/** The crds/ directory of this package. */
export function crdDir(): string {
  return join(packageRoot(), 'crds');
}

/**
 * Every CRD in crds/, parsed, in CRD_FILES order. Throws on a YAML error,
 * naming the file, and on a crds/ file that CRD_FILES does not list (so a
 * new CRD cannot be forgotten by the generators and the tests).
 */
export async function loadCrds(dir: string = crdDir()): Promise<Crd[]> {
  const present = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const unknown = present.filter((f) => !(CRD_FILES as readonly string[]).includes(f));
  if (unknown.length > 0)
    throw new Error(`crds/ holds files not in CRD_FILES: ${unknown.join(', ')}`);
  const crds: Crd[] = [];
  for (const file of CRD_FILES) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0)
        throw new Error(`while reading crds/${file}: ${doc.errors[0]!.message}`);
      const crd = doc.toJS() as Crd | null;
      if (crd !== null) crds.push(crd);
    }
  }
  return crds;
}
