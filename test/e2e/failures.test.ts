import { expect } from 'chai';
import { freshDatabase, query, server } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  kubectlIn,
  sleep,
  useOperatorEnv,
  waitForEvent,
  waitForSmig,
} from '../support/operator.js';
import {
  configMap,
  expectNoSecretAnywhere,
  files,
  prepare,
  schemaMigration,
} from '../support/manifests.js';

const tablesOf = async (url: string) =>
  (
    await query<{ t: string }>(
      url,
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
  ).map((r) => r.t);

const ledgerOf = async (url: string) =>
  (
    await query<{ version: string }>(
      url,
      'SELECT version FROM schema_operator_history ORDER BY version',
    )
  ).map((r) => r.version);

describe('failed migrations, through kubectl (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();

  describe('a migration broken in the source', () => {
    const NS = 'broken';
    const NAME = 'api';
    const broken = (third: string) =>
      files([
        'CREATE TABLE t1 (id int);',
        'CREATE TABLE t2 (id int);',
        `CREATE TABLE t3 (id int);\n${third}`,
        'CREATE TABLE t4 (id int);',
        'CREATE TABLE t5 (id int);',
      ]);
    let url = '';

    before(async () => {
      url = await freshDatabase(18);
      await prepare(env, NS, NAME, url, broken('ALTER TABLE t3 ADD COLUMN x no_such_type;'));
    });

    it('fails with SQLError, its SQLSTATE and line, after applying the ones before it', async () => {
      await apply(env, schemaMigration(NS, NAME));
      const o = await waitForSmig(env, NS, NAME, hasCondition('Failed', 'True', 'SQLError'));
      expect(condition(o, 'Ready')?.status).to.equal('False');
      expect(condition(o, 'Stalled')?.status).to.equal('True');
      expect(o.status?.failure).to.deep.include({ version: '003', sqlState: '42704', line: 2 });
      expect(o.status?.appliedVersion).to.equal('002');
      // Counts as they are after the failure, not as planned before the run.
      expect(o.status?.counts).to.deep.equal({ applied: 2, pending: 3, changed: 0, missing: 0 });
      expect(o.status?.pendingVersions).to.deep.equal(['003', '004', '005']);
      expect(await ledgerOf(url)).to.deep.equal(['001', '002']);
      expect(await tablesOf(url)).to.include.members(['t1', 't2']);
      expect(await tablesOf(url)).to.not.include.members(['t3', 't4', 't5']);
      await waitForEvent(env, NS, NAME, 'MigrationFailed');
    });

    it('applies the rest and becomes Ready once the ConfigMap is fixed', async () => {
      await apply(
        env,
        configMap(NS, `${NAME}-migrations`, broken('ALTER TABLE t3 ADD COLUMN x text;')),
      );
      const o = await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'));
      expect(o.status?.appliedVersion).to.equal('005');
      expect(o.status?.failure).to.equal(undefined);
      expect(condition(o, 'Failed')?.status).to.equal('False');
      expect(condition(o, 'Stalled')?.status).to.equal('False');
      expect(await ledgerOf(url)).to.deep.equal(['001', '002', '003', '004', '005']);
    });
  });

  describe('a migration that fails because of something outside the source', () => {
    const NS = 'outside';
    const NAME = 'api';
    let url = '';

    before(async () => {
      url = await freshDatabase(18);
      await prepare(
        env,
        NS,
        NAME,
        url,
        files(['CREATE TABLE own (id int);', 'INSERT INTO made_by_hand VALUES (1);']),
      );
    });

    it('stays Stalled after the cause is fixed by hand, until the retry annotation', async () => {
      await apply(env, schemaMigration(NS, NAME));
      const o = await waitForSmig(env, NS, NAME, hasCondition('Stalled', 'True', 'SQLError'));
      expect(o.status?.failure).to.deep.include({ version: '002', sqlState: '42P01' });
      expect(condition(o, 'Stalled')?.message).to.contain('retry annotation');

      await query(url, 'CREATE TABLE made_by_hand (id int)');
      await sleep(1500);
      const still = await waitForSmig(env, NS, NAME, hasCondition('Stalled', 'True', 'SQLError'));
      expect(still.status?.appliedVersion).to.equal('001');
      expect(await query(url, 'SELECT * FROM made_by_hand')).to.have.length(0);

      const r = await kubectlIn(env, [
        'annotate',
        `smig/${NAME}`,
        '-n',
        NS,
        'schema.streamspace.io/retry=1',
        '--overwrite',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      const done = await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'));
      expect(done.status?.appliedVersion).to.equal('002');
      expect(await query(url, 'SELECT * FROM made_by_hand')).to.have.length(1);
    });
  });

  // A suite of its own: mocha runs a suite's tests before its child suites.
  describe('after all of that', () => {
    it('never shows the database password in logs, Events or status', async () => {
      await expectNoSecretAnywhere(env, (await server(18)).password, ['broken', 'outside']);
    });
  });
});
