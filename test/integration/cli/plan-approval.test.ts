import { expect } from 'chai';
import { planHash, plan, readMigrationDir } from '../../../src/engine/index.js';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

describe('plan: the hash an approval names, and the findings', () => {
  const major = MAJORS[0]!;
  let url: string;
  beforeEach(async () => (url = await freshDatabase(major)));

  const files = {
    '001_users.sql': 'CREATE TABLE users (id int, name text);',
    '002_widen.sql': 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
  };

  it('prints the plan hash the operator computes, and a finding per risky statement', async () => {
    const dir = migrationDir(files);
    await runCli(['migrate', '--database-url', url, '--dir', dir, '--target', '001']);
    await query(url, 'INSERT INTO users SELECT g, g::text FROM generate_series(1, 100) g');
    const migrations = await readMigrationDir(dir);
    const rows = await runCli(['status', '--database-url', url, '--dir', dir, '--json']);
    const applied = JSON.parse(rows.stdout).plan.highestApplied as string;
    const expected = planHash(
      plan(
        migrations,
        migrations
          .filter((m) => m.version === applied)
          .map((m) => ({
            installedRank: 1,
            version: m.version,
            name: m.name,
            checksum: m.checksum,
            statementsChecksum: null,
            kind: 'migration' as const,
            transactional: true,
            outOfOrder: false,
            appliedBy: '',
            startedAt: new Date(0),
            finishedAt: new Date(0),
            executionMs: 0,
          })),
      ),
    );

    const text = await runCli(['plan', '--database-url', url, '--dir', dir]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.include(`plan hash: ${expected}`);
    expect(text.stdout).to.match(
      / {2}finding {2}\S*002_widen\.sql:1 alter-column-type: lock (unknown|[A-Z ]+),/,
    );

    const json = await runCli(['plan', '--database-url', url, '--dir', dir, '--json']);
    const doc = JSON.parse(json.stdout);
    expect(doc.plan.hash).to.equal(expected);
    expect(doc.plan.findings.map((f: { rule: string }) => f.rule)).to.deep.equal([
      'alter-column-type',
    ]);
  });

  it('gives another hash once the database moved on', async () => {
    const dir = migrationDir(files);
    const before = JSON.parse(
      (await runCli(['plan', '--database-url', url, '--dir', dir, '--json'])).stdout,
    ).plan.hash;
    await runCli(['migrate', '--database-url', url, '--dir', dir, '--target', '001']);
    const after = JSON.parse(
      (await runCli(['plan', '--database-url', url, '--dir', dir, '--json'])).stdout,
    ).plan.hash;
    expect(after).to.match(/^[0-9a-f]{16}$/);
    expect(after).not.to.equal(before);
  });
});
