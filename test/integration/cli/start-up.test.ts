import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, finished } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import { freshDatabase } from '../../support/pg.js';

const TRACE = fileURLToPath(new URL('../../support/module-trace.js', import.meta.url));

/** Runs the CLI with the module trace; returns its exit code and the files it loaded. */
async function loadedBy(args: string[]): Promise<{ code: number | null; files: string[] }> {
  const out = join(mkdtempSync(join(tmpdir(), 'schema-operator-trace-')), 'loaded.txt');
  const env: NodeJS.ProcessEnv = { ...process.env, MODULE_TRACE_FILE: out };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', TRACE, CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await finished(child);
  expect(r.code, r.stderr).to.be.oneOf([0, 3]);
  return { code: r.code, files: readFileSync(out, 'utf8').split('\n').filter(Boolean) };
}

/** The project's files that only other commands, or work not done here, need. */
const NEVER_FOR_DATABASE_COMMANDS = [/^operator\//, /^controllers\//, /^kube\//, /^devcluster\//];

describe('what each command loads at start-up (PostgreSQL 18)', () => {
  let url: string;
  let dir: string;
  before(async () => {
    url = await freshDatabase(18);
    dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
    expect((await loadedBy(['migrate', '--database-url', url, '--dir', dir])).code).to.equal(0);
  });

  it('loads only the entry point for --version', async () => {
    const { files } = await loadedBy(['--version']);
    expect(files).to.deep.equal([
      'cli/main.js',
      'cli/commands.js',
      'cli/exit-codes.js',
      'engine/errors.js',
    ]);
  });

  it('loads neither the executor nor the linter for a migrate with nothing to do', async () => {
    const { files } = await loadedBy(['migrate', '--database-url', url, '--dir', dir]);
    expect(files).to.include('engine/migrate.js');
    for (const never of [
      'engine/apply.js',
      'engine/lint.js',
      'engine/inspect.js',
      'engine/table-size.js',
      'engine/index.js',
      'cli/wait-command.js',
    ])
      expect(files).to.not.include(never);
    expect(files.filter((f) => NEVER_FOR_DATABASE_COMMANDS.some((p) => p.test(f)))).to.deep.equal(
      [],
    );
  });

  it('loads the executor when there is a file to run', async () => {
    const more = migrationDir({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '002_b.sql': 'CREATE TABLE b (id int);',
    });
    const { files } = await loadedBy(['migrate', '--database-url', url, '--dir', more]);
    expect(files).to.include('engine/apply.js');
  });

  it('loads no source reader, linter or migrate code for wait --database-url', async () => {
    const { files } = await loadedBy(['wait', '--database-url', url, '--version', '001']);
    expect(files).to.include('engine/wait.js');
    for (const never of [
      'engine/source.js',
      'engine/migrate.js',
      'engine/lint.js',
      'engine/index.js',
      'cli/migrate-command.js',
    ])
      expect(files).to.not.include(never);
    expect(files.filter((f) => NEVER_FOR_DATABASE_COMMANDS.some((p) => p.test(f)))).to.deep.equal(
      [],
    );
  });
});
