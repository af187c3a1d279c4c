import { expect } from 'chai';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../../src/devcluster/postgres.js';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

const oneLineError = (stderr: string) =>
  stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('error: '));

for (const major of MAJORS) {
  describe(`the CLI on PostgreSQL ${major}`, () => {
    let url: string;
    let password: string;
    beforeEach(async () => {
      url = await freshDatabase(major);
      password = new URL(url).password;
    });
    const relations = async () =>
      query(
        url,
        `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE nspname = 'public'`,
      );

    it('migrates, exits 0 and never prints the password', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_b.sql': 'CREATE TABLE b (id int);',
      });
      const r = await runCli(['migrate', '--database-url', url, '--dir', dir]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/applied 001_a \(\d+ ms\)\napplied 002_b/);
      expect(r.stdout).to.match(/applied 2 migration\(s\); database at version 002/);
      expect(r.stdout + r.stderr).to.not.include(password);
      const again = await runCli(['migrate', '--dir', dir], { DATABASE_URL: url });
      expect(again.code).to.equal(0);
      expect(again.stdout).to.match(/up to date at version 002/);
    });

    it('prints one JSON document with --json', async () => {
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const r = await runCli(['migrate', '--database-url', url, '--dir', dir, '--json']);
      expect(r.code).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.applied.map((a: { version: string }) => a.version)).to.deep.equal(['001']);
      expect(doc.database).to.not.include(password);
      expect(doc.version).to.equal('001');
    });

    it('exits 1 when a migration fails, naming file, line and SQLSTATE', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);\nSELECT * FROM missing_table;',
      });
      const r = await runCli(['migrate', '--database-url', url, '--dir', dir]);
      expect(r.code).to.equal(1);
      expect(oneLineError(r.stderr)).to.have.length(1);
      expect(r.stderr).to.match(
        /error: while applying .*001_a\.sql:2: relation "missing_table" does not exist \(SQLSTATE 42P01\)/,
      );
    });

    it('exits 1 for an edited applied file and shows both checksums with plan and status', async () => {
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      await runCli(['migrate', '--database-url', url, '--dir', dir]);
      const edited = migrationDir({ '001_a.sql': 'CREATE TABLE a (id bigint);' });
      for (const cmd of ['plan', 'status', 'migrate']) {
        const r = await runCli([cmd, '--database-url', url, '--dir', edited]);
        expect(r.code, cmd).to.equal(1);
        expect(r.stderr, cmd).to.match(
          /recorded sha256:[0-9a-f]{64}, the file now has sha256:[0-9a-f]{64}/,
        );
      }
    });

    it('exits 1 for an out-of-order file unless --out-of-order is given', async () => {
      await runCli([
        'migrate',
        '--database-url',
        url,
        '--dir',
        migrationDir({ '002_b.sql': 'CREATE TABLE b (id int);' }),
      ]);
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_b.sql': 'CREATE TABLE b (id int);',
      });
      const refused = await runCli(['migrate', '--database-url', url, '--dir', dir]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/older than the newest applied version 002/);
      const allowed = await runCli([
        'migrate',
        '--database-url',
        url,
        '--dir',
        dir,
        '--out-of-order',
      ]);
      expect(allowed.code).to.equal(0);
      const rows = await query(
        url,
        `SELECT version, out_of_order FROM schema_operator_history ORDER BY installed_rank`,
      );
      expect(rows).to.deep.equal([
        { version: '002', out_of_order: false },
        { version: '001', out_of_order: true },
      ]);
    });

    it('refuses CREATE INDEX CONCURRENTLY in a transactional file before anything runs, exit 2', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_idx.sql': 'CREATE TABLE b (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);',
      });
      const r = await runCli(['migrate', '--database-url', url, '--dir', dir]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(
        /002_idx\.sql:2: CREATE INDEX CONCURRENTLY cannot run inside a transaction/,
      );
      expect(await relations()).to.deep.equal([]);
    });

    const badSources: Array<[string, () => string, RegExp]> = [
      [
        'a missing directory',
        () => '/nonexistent/migrations',
        /migrations directory \/nonexistent\/migrations does not exist/,
      ],
      [
        'a file instead of a directory',
        () => join(migrationDir({ '001_a.sql': 'SELECT 1;' }), '001_a.sql'),
        /is not a directory/,
      ],
      [
        'a bad file name',
        () => migrationDir({ '001_a.sql': 'SELECT 1;', 'create-users.sql': 'SELECT 1;' }),
        /create-users\.sql: bad migration file name/,
      ],
      [
        'a non-UTF-8 file',
        () => migrationDir({ '001_a.sql': Uint8Array.from([0x2d, 0x2d, 0xff, 0x0a]) }),
        /001_a\.sql: not valid UTF-8/,
      ],
      [
        'an empty file',
        () => migrationDir({ '001_a.sql': '' }),
        /001_a\.sql: has no SQL statements/,
      ],
      [
        'duplicate versions',
        () => migrationDir({ '001_a.sql': 'SELECT 1;', '1_b.sql': 'SELECT 1;' }),
        /duplicate version/,
      ],
    ];
    if (process.getuid?.() !== 0) {
      badSources.push([
        'an unreadable directory',
        () => {
          const d = migrationDir({});
          chmodSync(d, 0);
          return d;
        },
        /cannot be read/,
      ]);
    }
    for (const [what, dir, message] of badSources) {
      it(`exits 2 with a one-line error and writes nothing for ${what}`, async () => {
        const r = await runCli(['migrate', '--database-url', url, '--dir', dir()]);
        expect(r.code, r.stderr).to.equal(2);
        expect(oneLineError(r.stderr)).to.have.length(1);
        expect(r.stderr).to.match(message);
        expect(await relations()).to.deep.equal([]);
      });
    }

    it('exits 2 for bad flags, naming the flag', async () => {
      const dir = migrationDir({ '001_a.sql': 'SELECT 1;' });
      const cases: Array<[string[], RegExp]> = [
        [['--lock-timeout', '5'], /--lock-timeout: "5" is not a duration/],
        [['--target', 'v2'], /--target "v2" is not a version/],
        [['--history-table', 'a.b.c'], /--history-table "a\.b\.c"/],
        [['--baseline', '1', '--adopt-existing'], /exclude each other/],
        [['--no-such-flag'], /unknown option '--no-such-flag'/],
      ];
      for (const [flags, message] of cases) {
        const r = await runCli(['migrate', '--database-url', url, '--dir', dir, ...flags]);
        expect(r.code, flags.join(' ')).to.equal(2);
        expect(r.stderr).to.match(message);
      }
      const fileParam = await runCli([
        'migrate',
        '--database-url',
        `${url}?sslrootcert=/etc/ssl/ca.pem`,
        '--dir',
        dir,
      ]);
      expect(fileParam.code).to.equal(2);
      expect(fileParam.stderr).to.match(
        /--database-url: .*the parameter "sslrootcert" is not allowed/,
      );
      expect(fileParam.stderr).not.to.include(new URL(url).password);
      const noUrl = await runCli(['migrate', '--dir', dir]);
      expect(noUrl.code).to.equal(2);
      expect(noUrl.stderr).to.match(/no database: give --database-url or set DATABASE_URL/);
    });

    it('exits 3 when the database cannot be reached, never printing the password', async () => {
      const dir = migrationDir({ '001_a.sql': 'SELECT 1;' });
      const closed = new URL(url);
      closed.port = String(await freePort());
      const wrongPassword = new URL(url);
      wrongPassword.password = 'not-the-password-42';
      const missingDb = new URL(url);
      missingDb.pathname = '/no_such_database';
      const cases: Array<[string, RegExp]> = [
        [closed.toString(), /connection refused/],
        [wrongPassword.toString(), /password authentication failed/],
        [missingDb.toString(), /database "no_such_database" does not exist/],
      ];
      for (const [target, message] of cases) {
        const r = await runCli(['migrate', '--database-url', target, '--dir', dir]);
        expect(r.code, r.stderr).to.equal(3);
        expect(oneLineError(r.stderr)).to.have.length(1);
        expect(r.stderr).to.match(message);
        expect(r.stdout + r.stderr).to.not.include(password);
        expect(r.stdout + r.stderr).to.not.include('not-the-password-42');
      }
    });

    it('plans without changing anything', async () => {
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const r = await runCli(['plan', '--database-url', url, '--dir', dir]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(
        /plan: 0 applied, 1 pending, 0 changed, 0 missing\n {2}pending {2}001_a/,
      );
      expect(await relations()).to.deep.equal([]);
    });

    it('shows the ledger with status', async () => {
      const dir = migrationDir({
        '001_a.sql': 'CREATE TABLE a (id int);',
        '002_b.sql': 'CREATE TABLE b (id int);',
      });
      await runCli(['migrate', '--database-url', url, '--dir', dir, '--target', '001']);
      const r = await runCli(['status', '--database-url', url, '--dir', dir, '--json']);
      expect(r.code).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.ledger.map((l: { version: string }) => l.version)).to.deep.equal(['001']);
      expect(doc.plan.pending.map((p: { version: string }) => p.version)).to.deep.equal(['002']);
    });

    it('waits for a version: exit 0 once applied, 3 on timeout', async () => {
      const dir = migrationDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
      const timedOut = await runCli([
        'wait',
        '--database-url',
        url,
        '--version',
        '001',
        '--timeout',
        '300ms',
      ]);
      expect(timedOut.code).to.equal(3);
      expect(timedOut.stderr).to.match(
        /waiting up to 300ms for postgres:\/\/postgres@.* to reach version 001/,
      );
      await runCli(['migrate', '--database-url', url, '--dir', dir]);
      const done = await runCli([
        'wait',
        '--database-url',
        url,
        '--version',
        '001',
        '--timeout',
        '5s',
      ]);
      expect(done.code).to.equal(0);
    });
  });
}

describe('the CLI help', () => {
  it('explains every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).to.equal(0);
    for (const cmd of ['migrate', 'plan', 'status', 'wait']) expect(r.stdout).to.include(cmd);
    expect(r.stdout).to.match(/Exit codes: 0 done, 1 .*2 bad arguments/s);
    const sub = await runCli(['migrate', '--help']);
    for (const flag of [
      '--database-url',
      '--dir',
      '--target',
      '--dry-run',
      '--lock-timeout',
      '--out-of-order',
      '--baseline',
      '--adopt-existing',
      '--json',
    ]) {
      expect(sub.stdout).to.include(flag);
    }
  });
});

describe('the CLI loading one command at a time', () => {
  it('still lists every command in the help, with help NAME and for an unknown command', async () => {
    const help = await runCli(['--help']);
    for (const cmd of ['migrate', 'plan', 'status', 'wait', 'lint', 'drift', 'run', 'dev'])
      expect(help.stdout).to.match(new RegExp(`^  ${cmd} `, 'm'));
    const sub = await runCli(['help', 'wait']);
    expect(sub.code).to.equal(0);
    expect(sub.stdout).to.match(/^Usage: schema-operator wait \[options\]/);
    const unknown = await runCli(['migrat']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/unknown command 'migrat'\n\(Did you mean migrate\?\)/);
  });

  it('prints the version of package.json with -V and --version', async () => {
    for (const flag of ['-V', '--version']) {
      const r = await runCli([flag]);
      expect(r.code).to.equal(0);
      expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
    }
  });

  it('keeps the usage error of a command run alone (exit 2, one line)', async () => {
    const r = await runCli(['wait', '--database-url', 'postgres://u@127.0.0.1:1/db']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^error: wait needs --version$/m);
  });
});
