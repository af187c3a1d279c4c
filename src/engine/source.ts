/**
 * Migration sources. A source is a list of files, each `<version>_<name>.sql`;
 * it can come from a directory, ConfigMaps or a CR's inline list, so parsing
 * works on in-memory files and the directory reader is a thin wrapper.
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checksum, normalizeSql } from './checksum.js';
import { parseDirectives, type Directives } from './directives.js';
import { InvalidSourceError } from './errors.js';
import { splitStatements, type Statement } from './splitter.js';
import { statementsChecksum } from './statements-checksum.js';
import { isTransientCursor } from './session-state.js';
import { isTransactionControl, nonTransactionalReason } from './statement-kind.js';
import { compareVersions, versionKey } from './version.js';

/** A file as it arrives from any source. */
export interface RawFile {
  /** The file name, `<version>_<name>.sql`. */
  name: string;
  content: Uint8Array | string;
  /** How errors name it (a path, or `configmap ns/name key x`); default the name. */
  origin?: string;
}

/** A parsed, validated migration. */
export interface Migration extends Directives {
  version: string;
  name: string;
  /** How errors name the file. */
  file: string;
  /** The normalized SQL text that is checksummed and run. */
  sql: string;
  /** sha256 of the normalized file (checksum.ts): any edit changes it. */
  checksum: string;
  statements: Statement[];
  /**
   * The statements checksum (statements-checksum.ts): unchanged by an edit of
   * comments and whitespace only. Computed on first read, so files that
   * match the ledger by `checksum` are never split for it.
   */
  readonly statementsChecksum: string;
}

const FILE_NAME = /^(\d+(?:\.\d+)*)_([A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How much to check up front. Statements are split only when first needed;
 * with `validate: false` the statement checks (not empty, nothing that cannot
 * run in a transaction) wait for `validateMigrations`, which a run calls on
 * the pending files before it applies any. A source of 1000 applied files
 * then costs only reading and checksumming them.
 */
export interface ParseOptions {
  validate?: boolean;
}

/** Parses (and by default validates) every file, sorted by version; duplicate versions are refused. */
export function parseMigrations(files: RawFile[], opts: ParseOptions = {}): Migration[] {
  const migrations = files
    .map((f) => parseMigration(f, opts))
    .sort((a, b) => compareVersions(a.version, b.version));
  const seen = new Map<string, Migration>();
  for (const m of migrations) {
    const other = seen.get(versionKey(m.version));
    if (other) {
      throw new InvalidSourceError(
        `duplicate version ${m.version}: ${other.file} and ${m.file}`,
        m.file,
      );
    }
    seen.set(versionKey(m.version), m);
  }
  return migrations;
}

/** Parses one file: name, encoding, directives; statements split lazily, validated unless told not to. */
export function parseMigration(raw: RawFile, opts: ParseOptions = {}): Migration {
  const file = raw.origin ?? raw.name;
  const match = FILE_NAME.exec(raw.name);
  if (!match) {
    throw new InvalidSourceError(
      `${file}: bad migration file name; expected <version>_<name>.sql, as in 001_create_users.sql`,
      file,
    );
  }
  let text: string;
  try {
    text = typeof raw.content === 'string' ? raw.content : utf8.decode(raw.content);
  } catch {
    throw new InvalidSourceError(`${file}: not valid UTF-8`, file);
  }
  const sql = normalizeSql(text);
  const directives = parseDirectives(sql, file);
  let statements: Statement[] | undefined;
  let statementsSum: string | undefined;
  const m: Migration = {
    ...directives,
    version: match[1]!,
    name: match[2]!,
    file,
    sql,
    checksum: checksum(sql),
    get statements() {
      return (statements ??= splitStatements(sql));
    },
    get statementsChecksum() {
      return (statementsSum ??= statementsChecksum(this.statements, directives));
    },
  };
  if (opts.validate ?? true) validateMigration(m);
  return m;
}

const validated = new WeakSet<Migration>();

/** Checks the statements of each migration (once): not empty, transaction-safe when transactional. */
export function validateMigrations(migrations: Iterable<Migration>): void {
  for (const m of migrations) validateMigration(m);
}

function validateMigration(m: Migration): void {
  if (validated.has(m)) return;
  if (m.statements.length === 0)
    throw new InvalidSourceError(`${m.file}: has no SQL statements`, m.file);
  if (m.transactional) checkTransactional(m.statements, m.file);
  else checkNoTransaction(m.statements, m.file);
  validated.add(m);
}

/**
 * A no-transaction file runs each statement in a transaction of its own
 * (with its progress row), so transaction control and cursors that need an
 * open transaction cannot do what they do in psql: refused before anything runs.
 */
function checkNoTransaction(statements: Statement[], file: string): void {
  for (const s of statements) {
    if (isTransactionControl(s.text)) {
      throw new InvalidSourceError(
        `${file}:${s.line}: transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...) is not ` +
          'supported in a no-transaction file; drop the no-transaction directive to run the file ' +
          'in one transaction, or split it',
        file,
        s.line,
      );
    }
    if (isTransientCursor(s.text)) {
      throw new InvalidSourceError(
        `${file}:${s.line}: a cursor without WITH HOLD ends with its statement in a ` +
          'no-transaction file; declare it WITH HOLD or drop the no-transaction directive',
        file,
        s.line,
      );
    }
  }
}

/** Statements that would break or escape the migration's transaction are refused up front. */
function checkTransactional(statements: Statement[], file: string): void {
  for (const s of statements) {
    const reason = nonTransactionalReason(s.text);
    if (reason) {
      throw new InvalidSourceError(
        `${file}:${s.line}: ${reason} cannot run inside a transaction; ` +
          'put it in its own file that starts with "-- schema-operator: no-transaction"',
        file,
        s.line,
      );
    }
    if (isTransactionControl(s.text)) {
      throw new InvalidSourceError(
        `${file}:${s.line}: transaction control (BEGIN, COMMIT, ...) is not allowed: ` +
          'each migration already runs in its own transaction',
        file,
        s.line,
      );
    }
  }
}

/**
 * Reads every `*.sql` file of a directory (other files and subdirectories are
 * ignored). Files are read synchronously: a thousand small reads in parallel
 * cost several times more than in a row.
 */
export async function readMigrationDir(dir: string, opts: ParseOptions = {}): Promise<Migration[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
          ? 'is not a directory'
          : `cannot be read (${code})`;
    throw new InvalidSourceError(`migrations directory ${dir} ${why}`, dir);
  }
  // Name order is version order for zero-padded versions, so the version sort that follows
  // finds the files (nearly) in order and compares each only with its neighbour.
  const names = entries
    .filter((e) => e.isFile() && /\.sql$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  // join(dir, name) for a plain file name, without normalizing the directory once per file.
  const prefix = join(dir, '_').slice(0, -1);
  const files = names.map((name): RawFile => {
    const path = prefix + name;
    try {
      return { name, content: readFileSync(path), origin: path };
    } catch (err) {
      throw new InvalidSourceError(
        `${path}: cannot be read (${(err as NodeJS.ErrnoException).code})`,
        path,
      );
    }
  });
  return parseMigrations(files, opts);
}
