import { expect } from 'chai';
import { migrate, readMigrationDir } from '../../../src/engine/index.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

const later = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('the run hooks', () => {
  const major = MAJORS[0]!;
  let url: string;
  beforeEach(async () => (url = await freshDatabase(major)));

  const files = {
    '001_a.sql': 'CREATE TABLE a (id int);',
    '002_b.sql': 'CREATE TABLE b (id int);',
  };

  it('waits for an async hook before the next step of the run', async () => {
    const log: string[] = [];
    const migrations = await readMigrationDir(migrationDir(files));
    await migrate(
      { url, migrations },
      {
        onPlan: async () => {
          await later(50);
          log.push('plan written');
        },
        onStart: (m) => void log.push(`start ${m.version}`),
        onApplied: async (m) => {
          await later(50);
          log.push(`applied ${m.version} written`);
        },
      },
    );
    expect(log).to.deep.equal([
      'plan written',
      'start 001',
      'applied 001 written',
      'start 002',
      'applied 002 written',
    ]);
  });

  it('fails the run when a hook rejects, before anything more is applied', async () => {
    const migrations = await readMigrationDir(migrationDir(files));
    const error = await migrate(
      { url, migrations },
      {
        onApplied: async (m) => {
          if (m.version === '001') throw new Error('status write refused');
        },
      },
    ).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('status write refused');
    expect(await query(url, `SELECT to_regclass('b') AS r`)).to.deep.equal([{ r: null }]);
  });

  it('keeps hooks that return a value working (the value is ignored)', async () => {
    const versions: string[] = [];
    const migrations = await readMigrationDir(migrationDir(files));
    const r = await migrate({ url, migrations }, { onApplied: (m) => versions.push(m.version) });
    expect(versions).to.deep.equal(['001', '002']);
    expect(r.applied).to.have.length(2);
  });
});
