/**
 * One migration history written in the form each tool reads: the plain
 * `<version>_<name>.sql` files (schema-operator and node-pg-migrate read the
 * same directory), a copy with dbmate's `-- migrate:up` header, and a psql
 * driver script that is the floor: per file `BEGIN`, `\i file`, one ledger
 * INSERT, `COMMIT`, all in one session.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileName, sha256, type GeneratedMigration } from './generate.js';

/** The directories and the driver script of one history. */
export interface MigrationSet {
  count: number;
  /** Plain files, for schema-operator and node-pg-migrate. */
  plainDir: string;
  /** The same files with dbmate's header. */
  dbmateDir: string;
  /** `psql -f` this to apply every file (it creates its ledger first). */
  psqlDriver: string;
}

/** The floor's ledger: the least a tool must record per file. */
export const PSQL_LEDGER = 'bench_psql_ledger';

/** Writes `migrations` under `dir` in every tool's form. */
export function writeMigrationSet(dir: string, migrations: GeneratedMigration[]): MigrationSet {
  const plainDir = join(dir, 'plain');
  const dbmateDir = join(dir, 'dbmate');
  mkdirSync(plainDir, { recursive: true });
  mkdirSync(dbmateDir, { recursive: true });
  const driver = [
    `CREATE TABLE IF NOT EXISTS ${PSQL_LEDGER} (`,
    '  version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,',
    '  applied_at timestamptz NOT NULL DEFAULT now());',
  ];
  for (const m of migrations) {
    const plain = join(plainDir, fileName(m));
    writeFileSync(plain, m.sql);
    // dbmate wraps the up section in a transaction by default, like the others here.
    writeFileSync(join(dbmateDir, fileName(m)), `-- migrate:up\n${m.sql}\n-- migrate:down\n`);
    driver.push(
      'BEGIN;',
      `\\i '${plain}'`,
      `INSERT INTO ${PSQL_LEDGER} (version, name, checksum) VALUES ('${m.version}', '${m.name}', '${sha256(m.sql)}');`,
      'COMMIT;',
    );
  }
  const psqlDriver = join(dir, 'psql-driver.sql');
  writeFileSync(psqlDriver, driver.join('\n') + '\n');
  return { count: migrations.length, plainDir, dbmateDir, psqlDriver };
}
