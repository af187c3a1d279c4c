import { expect } from 'chai';
import {
  ExistingSchemaError,
  LedgerOwnedError,
  migrate,
  parseMigration,
  type LedgerClaim,
} from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';

const noSleep = async () => undefined;
const files = [parseMigration({ name: '001_a.sql', content: 'CREATE TABLE a (id int);' })];

describe('the owner recorded beside a ledger (PostgreSQL 18)', () => {
  let url: string;
  beforeEach(async () => (url = await freshDatabase(18)));
  const run = (claim?: LedgerClaim, u = url) =>
    migrate({ url: u, migrations: files, sleep: noSleep, claim });
  const owner = async () =>
    (await query<{ owner: string }>(url, 'SELECT owner FROM schema_operator_owner'))[0]?.owner;

  it('records the first owner that runs, under the lock, beside the ledger', async () => {
    await run({ owner: 'platform/api' });
    expect(await owner()).to.equal('platform/api');
  });

  it('refuses another owner without reading the ledger, and applies nothing', async () => {
    await run({ owner: 'platform/api' });
    const more = [
      ...files,
      parseMigration({ name: '002_b.sql', content: 'CREATE TABLE b (id int);' }),
    ];
    const err = await migrate({
      url,
      migrations: more,
      sleep: noSleep,
      claim: { owner: 'tenant/x', mayReplace: () => false },
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(LedgerOwnedError);
    expect((err as LedgerOwnedError).owner).to.equal('platform/api');
    expect((err as Error).message).not.to.contain('platform');
    expect(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'b'")).to.have.length(0);
  });

  it('lets the same owner run again (a CR re-created under its name)', async () => {
    await run({ owner: 'platform/api' });
    const r = await run({ owner: 'platform/api', mayReplace: () => false });
    expect(r.applied).to.have.length(0);
  });

  it('hands the ledger over when the caller says the old owner is gone', async () => {
    await run({ owner: 'platform/api' });
    await run({ owner: 'tenant/x', mayReplace: (p) => p === 'platform/api' });
    expect(await owner()).to.equal('tenant/x');
  });

  it('claims a ledger written before owners were recorded', async () => {
    await run();
    // The owner table is made with the ledger now: an older ledger had none.
    await query(url, 'DROP TABLE schema_operator_owner');
    await run({ owner: 'platform/api', mayReplace: () => false });
    expect(await owner()).to.equal('platform/api');
  });

  it('records no owner when the password is wrong', async () => {
    const wrong = url.replace(/:\/\/([^:]+):[^@]+@/, '://$1:wrong@');
    expect(await run({ owner: 'tenant/x' }, wrong).catch((e: unknown) => e)).to.be.instanceOf(
      Error,
    );
    await run({ owner: 'platform/api', mayReplace: () => false });
    expect(await owner()).to.equal('platform/api');
  });

  it('does not count its own table as an existing schema', async () => {
    await run({ owner: 'platform/api' });
    await query(url, 'DROP TABLE schema_operator_history, a');
    await run({ owner: 'platform/api' });
    expect(await owner()).to.equal('platform/api');
    await query(url, 'CREATE TABLE user_table (id int)');
    await query(url, 'DROP TABLE schema_operator_history');
    expect(await run({ owner: 'platform/api' }).catch((e: unknown) => e)).to.be.instanceOf(
      ExistingSchemaError,
    );
  });
});
