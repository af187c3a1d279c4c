/**
 * A SchemaMigration's source as migrations: its ConfigMaps (keys are file
 * names; several maps pass the 1 MiB limit of one), its inline list, or a
 * set bundled in the image. Errors are InvalidSourceErrors naming the map and
 * key, so they land in status as they are. ConfigMaps and inline entries are
 * bounded in size (limits.ts) before anything parses them.
 */
import type { MigrationSource } from '../../api/index.js';
import { SOURCE_LIMITS, SourceBudget, type SourceLimits } from './limits.js';
import {
  BUNDLED_SETS,
  InvalidSourceError,
  bundledDir,
  parseMigrations,
  readMigrationDir,
  type BundledSet,
  type Migration,
  type RawFile,
} from '../../engine/index.js';

/** A ConfigMap's payload, as the API returns it (binaryData base64). */
export interface ConfigMapData {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** Reads a ConfigMap of the CR's namespace (a GET at reconcile time); undefined when it does not exist. */
export type ConfigMapReader = (
  namespace: string,
  name: string,
) => Promise<ConfigMapData | undefined>;

/** Statements are checked by the engine, for pending files only. */
const LAZY = { validate: false };

const bundledCache = new Map<BundledSet, Promise<Migration[]>>();

/** The migrations of `source`; throws InvalidSourceError. */
export async function loadSource(
  source: MigrationSource,
  namespace: string,
  readConfigMap: ConfigMapReader,
  limits: SourceLimits = SOURCE_LIMITS,
): Promise<Migration[]> {
  const budget = new SourceBudget(limits);
  if (source.configMaps?.length) {
    const files = await configMapFiles(source.configMaps, namespace, readConfigMap, budget);
    return parseMigrations(files, LAZY);
  }
  if (source.inline?.length) {
    const files = source.inline.map(inlineFile);
    for (const f of files) budget.take(f.origin!, f.content);
    return parseMigrations(files, LAZY);
  }
  if (source.bundled) return bundled(source.bundled as BundledSet);
  throw new InvalidSourceError(
    'spec.source names no migrations: give configMaps, inline or bundled',
  );
}

async function configMapFiles(
  refs: Array<{ name: string }>,
  namespace: string,
  read: ConfigMapReader,
  budget: SourceBudget,
): Promise<RawFile[]> {
  const files: RawFile[] = [];
  const add = (file: RawFile) => {
    budget.take(file.origin!, file.content);
    files.push(file);
  };
  for (const { name } of refs) {
    const cm = await read(namespace, name);
    if (!cm)
      throw new InvalidSourceError(
        `ConfigMap ${namespace}/${name} named in spec.source.configMaps does not exist`,
      );
    const origin = (key: string) => `configmap ${namespace}/${name} key ${key}`;
    for (const [key, text] of Object.entries(cm.data ?? {})) {
      if (key.endsWith('.sql')) add({ name: key, content: text, origin: origin(key) });
    }
    for (const [key, b64] of Object.entries(cm.binaryData ?? {})) {
      if (key.endsWith('.sql'))
        add({ name: key, content: Buffer.from(b64, 'base64'), origin: origin(key) });
    }
  }
  if (files.length === 0)
    throw new InvalidSourceError(
      `the ConfigMaps of spec.source.configMaps hold no <version>_<name>.sql keys`,
    );
  return files;
}

function inlineFile(m: {
  version: string;
  name: string;
  sql: string;
  transactional?: boolean;
}): RawFile {
  const directive = m.transactional === false ? '-- schema-operator: no-transaction\n' : '';
  return {
    name: `${m.version}_${m.name}.sql`,
    content: directive + m.sql,
    origin: `spec.source.inline ${m.version}_${m.name}`,
  };
}

function bundled(set: BundledSet): Promise<Migration[]> {
  if (!BUNDLED_SETS.includes(set))
    throw new InvalidSourceError(`spec.source.bundled: unknown set "${set}"`);
  let cached = bundledCache.get(set);
  if (!cached) {
    cached = readMigrationDir(bundledDir(set), { validate: false });
    cached.catch(() => bundledCache.delete(set));
    bundledCache.set(set, cached);
  }
  return cached;
}
