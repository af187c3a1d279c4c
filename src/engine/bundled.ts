/**
 * Migration sets shipped inside the package (and so the image): the
 * `bundled` source of a SchemaMigration. `streamspace` is the StreamSpace API
 * schema in `migrations/` at the package root.
 */
import { fileURLToPath } from 'node:url';

/** The names a `bundled` source may take. */
export const BUNDLED_SETS = ['streamspace'] as const;

/** One of BUNDLED_SETS. */
export type BundledSet = (typeof BUNDLED_SETS)[number];

/** The directory of a bundled set; this file sits at dist/src/engine/ in every build. */
export function bundledDir(set: BundledSet): string {
  const dirs: Record<BundledSet, string> = { streamspace: 'migrations' };
  return fileURLToPath(new URL(`../../../${dirs[set]}`, import.meta.url));
}
