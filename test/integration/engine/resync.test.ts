import { expect } from 'chai';
import {
  migrate,
  parseMigration,
  readLedgerStamp,
  SessionPool,
} from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';
import { until } from '../../support/poll.js';
import { recordingSource } from '../../support/recording-source.js';

const noSleep = async () => undefined;
const a = parseMigration({ name: '001_a.sql', content: 'CREATE TABLE a (id int);' });
const b = parseMigration({ name: '002_b.sql', content: 'CREATE TABLE b (id int);' });

describe('the ledger stamp of a resync (PostgreSQL 18)', () => {
  let url: string;
  beforeEach(async () => (url = await freshDatabase(18)));

  it('is what the last run left, read in one query, until any row changes', async () => {
    const run = await migrate({ url, migrations: [a], sleep: noSleep, stamp: true });
    expect(run.stamp).to.be.a('string');
    const c = recordingSource();
    expect(await readLedgerStamp({ url, migrations: [a], connection: c.source })).to.equal(
      run.stamp,
    );
    expect(c.texts).to.have.length(1);
    // A repair (or a hand edit) of a checksum is a change.
    // Both checksums: with the statements checksum intact it would be a comments-only edit.
    await query(
      url,
      "UPDATE schema_operator_history SET checksum = 'x', statements_checksum = 'y'",
    );
    const repaired = await readLedgerStamp({ url, migrations: [a] });
    expect(repaired).not.to.equal(run.stamp);
    const next = await migrate({ url, migrations: [a, b], sleep: noSleep, stamp: true }).catch(
      () => null,
    );
    expect(next).to.equal(null); // the checksum mismatch stops it; the stamp changed anyway
    await query(url, 'DELETE FROM schema_operator_history');
    expect(await readLedgerStamp({ url, migrations: [a] })).not.to.equal(repaired);
  });

  it('costs one query on a pooled session, the session given back included', async () => {
    const pool = new SessionPool();
    try {
      const c = recordingSource(pool);
      await migrate({ url, migrations: [a], sleep: noSleep, connection: c.source, stamp: true });
      // The run's session is reset behind it: count from when it is back in the pool.
      await until('the run session back', 5000, async () => pool.idleCount === 1, 5);
      const before = c.texts.length;
      await readLedgerStamp({ url, migrations: [a], connection: c.source });
      await readLedgerStamp({ url, migrations: [a], connection: c.source });
      expect(c.texts.length - before).to.equal(2);
      expect(pool.size).to.equal(1);
    } finally {
      await pool.end();
    }
  });

  it('is null when there is no ledger yet', async () => {
    expect(await readLedgerStamp({ url, migrations: [a] })).to.equal(null);
  });

  it('takes no lock and no new backend on a pooled session', async () => {
    const pool = new SessionPool();
    try {
      await migrate({ url, migrations: [a], sleep: noSleep, connection: pool, stamp: true });
      const pid = async () =>
        (
          await query<{ n: number }>(
            url,
            `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'schema-operator'`,
          )
        )[0]!.n;
      expect(await pid()).to.equal(1);
      await readLedgerStamp({ url, migrations: [a], connection: pool });
      await readLedgerStamp({ url, migrations: [a], connection: pool });
      expect(await pid()).to.equal(1);
      expect(pool.size).to.equal(1);
    } finally {
      await pool.end();
    }
  });
});
