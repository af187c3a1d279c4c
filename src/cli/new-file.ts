/**
 * `schema-operator new`: writes the next migration file of a directory.
 * The file name and content are checked by the engine's own parser before
 * anything is written, so what `new` makes is a file `migrate` reads.
 */
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSourceError } from '../engine/errors.js';
import { parseMigration } from '../engine/source.js';
import { versionKey } from '../engine/version.js';
import { UsageError } from './exit-codes.js';
import { NextVersionError, nextVersion } from './new-version.js';
import { newMigrationText } from './new-template.js';

/** Options for {@link createMigrationFile}. */
export interface NewMigrationOptions {
  dir: string;
  /** The name part of `<version>_<name>.sql`. */
  name: string;
  /** The clock, for timestamp versions. */
  now: Date;
  /** Number the file with a UTC timestamp (an empty directory, or one that already does). */
  timestamp?: boolean;
  /**
   * Lists the directory the version is chosen from (default `readdirSync`);
   * tests pass a stale listing to stand for a file made meanwhile.
   */
  list?: (dir: string) => string[];
}

/** What the engine reads from a file name: `<version>_<rest>.sql`. */
const VERSIONED = /^(\d+(?:\.\d+)*)_.*\.sql$/i;
/** Longest file name most file systems take, in bytes. */
const MAX_FILE_NAME = 255;

/**
 * Creates `<next version>_<name>.sql` in `dir` (made when missing) and
 * returns its path. Never overwrites: the file is opened with `wx`, and a
 * file of the same version made meanwhile under another name makes this one
 * withdraw. Bad names and flags are `UsageError`s.
 */
export function createMigrationFile(opts: NewMigrationOptions): string {
  mkdirSync(opts.dir, { recursive: true });
  const versions = versionsIn(opts.dir, opts.list).map((v) => v.version);
  let version: string;
  try {
    version = nextVersion({ versions, now: opts.now, timestamp: opts.timestamp });
  } catch (err) {
    if (err instanceof NextVersionError) throw new UsageError(err.message);
    throw err;
  }
  const fileName = `${version}_${opts.name}.sql`;
  const content = newMigrationText({ version, name: opts.name });
  checkReadable(fileName, content, opts.name);
  const path = join(opts.dir, fileName);
  try {
    writeFileSync(path, content, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`${path} already exists; nothing was written`);
    throw err;
  }
  withdrawIfDuplicate(opts.dir, fileName, version);
  return path;
}

function versionsIn(
  dir: string,
  list: (dir: string) => string[] = (d) => readdirSync(d),
): Array<{ file: string; version: string }> {
  return list(dir)
    .map((file) => ({ file, m: VERSIONED.exec(file) }))
    .filter((e) => e.m !== null)
    .map((e) => ({ file: e.file, version: e.m![1]! }));
}

/** The engine's parser is the judge of a name: what it refuses, `new` refuses. */
function checkReadable(fileName: string, content: string, name: string): void {
  if (Buffer.byteLength(fileName) > MAX_FILE_NAME)
    throw new UsageError(`name "${name}" is too long for a file name`);
  try {
    parseMigration({ name: fileName, content }, { validate: false });
  } catch (err) {
    if (!(err instanceof InvalidSourceError)) throw err;
    throw new UsageError(
      `name "${name}" cannot be part of a migration file name: use letters, digits, ` +
        '"_", "." and "-", starting with a letter or digit (as in add_users)',
    );
  }
}

/** Two `new` at once can pick one version under two names; the engine would refuse both. */
function withdrawIfDuplicate(dir: string, fileName: string, version: string): void {
  const other = versionsIn(dir).find(
    (v) => v.file !== fileName && versionKey(v.version) === versionKey(version),
  );
  if (!other) return;
  unlinkSync(join(dir, fileName));
  throw new UsageError(
    `${join(dir, other.file)} has version ${version} too (made meanwhile?); nothing was written`,
  );
}
