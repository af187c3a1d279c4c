import { expect } from 'chai';
import { connect } from '../../../src/engine/connection.js';
import { hasStoredFingerprint } from '../../../src/engine/fingerprint.js';
import { DEFAULT_LEDGER, migrate, parseMigration } from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';

const noSleep = async () => undefined;
const first = parseMigration({ name: '001_init.sql', content: 'CREATE TABLE t (id int);' });

/** Whether `url`'s database has a recorded fingerprint, asked the cheap way. */
async function hasFingerprint(url: string): Promise<boolean> {
  const c = await connect({ url });
  try {
    return await hasStoredFingerprint(c, DEFAULT_LEDGER);
  } finally {
    await c.end();
  }
}

/** When the fingerprint was taken, or null. */
async function takenAt(url: string): Promise<string | null> {
  const rows = await query<{ t: string }>(
    url,
    'SELECT taken_at::text AS t FROM schema_operator_fingerprint WHERE id = 1',
  );
  return rows[0]?.t ?? null;
}

describe('a run with nothing to do and the recorded fingerprint (PostgreSQL 18)', () => {
  it('knows whether a fingerprint is recorded: no table, a row, no row', async () => {
    const url = await freshDatabase(18);
    expect(await hasFingerprint(url)).to.equal(false);
    await migrate({ url, migrations: [first], sleep: noSleep });
    expect(await hasFingerprint(url)).to.equal(true);
    await query(url, 'DELETE FROM schema_operator_fingerprint');
    expect(await hasFingerprint(url)).to.equal(false);
  });

  it('leaves a recorded fingerprint as it is', async () => {
    const url = await freshDatabase(18);
    await migrate({ url, migrations: [first], sleep: noSleep });
    const before = await takenAt(url);
    await migrate({ url, migrations: [first], sleep: noSleep });
    expect(await takenAt(url)).to.equal(before);
  });

  it('records one when none is there, the row or the table gone', async () => {
    const url = await freshDatabase(18);
    await migrate({ url, migrations: [first], sleep: noSleep });
    await query(url, 'DELETE FROM schema_operator_fingerprint');
    await migrate({ url, migrations: [first], sleep: noSleep });
    expect(await takenAt(url)).to.be.a('string');
    await query(url, 'DROP TABLE schema_operator_fingerprint');
    await migrate({ url, migrations: [first], sleep: noSleep });
    expect(await takenAt(url)).to.be.a('string');
  });
});
