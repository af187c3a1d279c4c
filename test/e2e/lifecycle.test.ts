import { expect } from 'chai';
import { freshDatabase, query, server } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  kubectlIn,
  readSmig,
  sleep,
  useOperatorEnv,
  waitForSmig,
} from '../support/operator.js';
import {
  configMap,
  dbSecret,
  expectNoSecretAnywhere,
  files,
  namespace,
  prepare,
  schemaMigration,
} from '../support/manifests.js';

const TWO = files(['CREATE TABLE a (id int);', 'CREATE TABLE b (id int);']);

const tableCount = async (url: string) =>
  (
    await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
    )
  )[0]!.n;

describe('a SchemaMigration from creation to deletion, through kubectl (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  const namespaces = ['nosecret', 'deleted', 'suspended', 'refused'];

  it('fails with SecretNotFound, then becomes Ready once the Secret exists', async () => {
    const ns = 'nosecret';
    const url = await freshDatabase(18);
    await apply(env, namespace(ns), configMap(ns, 'api-migrations', TWO));
    await apply(env, schemaMigration(ns, 'api'));
    const o = await waitForSmig(env, ns, 'api', hasCondition('Failed', 'True', 'SecretNotFound'));
    expect(condition(o, 'Ready')?.status).to.equal('False');
    expect(condition(o, 'Failed')?.message).to.contain(`${ns}/db`);
    expect(o.status?.failure?.reason).to.equal('SecretNotFound');
    await sleep(1000);
    const t0 = performance.now();
    await apply(env, dbSecret(ns, 'db', url));
    await waitForSmig(env, ns, 'api', hasCondition('Ready', 'True'), 20_000);
    console.log(
      `      Ready ${Math.round(performance.now() - t0)} ms after the Secret was created`,
    );
    // a, b, the ledger, its owner and fingerprint tables (attempts and repairs come with their first row)
    expect(await tableCount(url)).to.equal(2 + 3);
  });

  it('leaves tables and ledger alone when the SchemaMigration is deleted', async () => {
    const ns = 'deleted';
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, TWO);
    await apply(env, schemaMigration(ns, 'api'));
    await waitForSmig(env, ns, 'api', hasCondition('Ready', 'True'));
    const before = await query(url, 'SELECT * FROM schema_operator_history ORDER BY version');

    const r = await kubectlIn(env, ['delete', 'smig/api', '-n', ns, '--wait=true']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await readSmig(env, ns, 'api')).to.equal(undefined);
    await sleep(1000);
    expect(
      await query(url, 'SELECT * FROM schema_operator_history ORDER BY version'),
    ).to.deep.equal(before);
    expect(await tableCount(url)).to.equal(5);
  });

  it('does nothing while suspended and says so, then applies once resumed', async () => {
    const ns = 'suspended';
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, TWO);
    await apply(env, schemaMigration(ns, 'api', { suspend: true }));
    const o = await waitForSmig(env, ns, 'api', hasCondition('Reconciling', 'False', 'Suspended'));
    expect(condition(o, 'Reconciling')?.message).to.contain('spec.suspend');
    expect(condition(o, 'Ready')?.status).to.not.equal('True');
    await sleep(1000);
    expect(await tableCount(url)).to.equal(0);

    await apply(env, schemaMigration(ns, 'api', { suspend: false }));
    const done = await waitForSmig(env, ns, 'api', hasCondition('Ready', 'True'));
    expect(done.status?.appliedVersion).to.equal('002');
    expect(await tableCount(url)).to.equal(5);
  });

  it('survives status writes the API server refuses, and still ends Ready', async () => {
    const ns = 'refused';
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, TWO);
    env.dc.faults.failNext({
      method: 'PATCH',
      pathPrefix: `/apis/schema.streamspace.io/v1alpha1/namespaces/${ns}/schemamigrations/api/status`,
      status: 500,
      count: 3, // the final status and its retries (a quick run writes no progress)
    });
    await apply(env, schemaMigration(ns, 'api'));
    await waitForSmig(env, ns, 'api', hasCondition('Ready', 'True'));
    expect(env.operators[0]!.running).to.equal(true);
    expect(env.dc.faults.counts()['patch schemamigrations/status']).to.be.at.least(4);
  });

  describe('after all of that', () => {
    it('never shows the database password in logs, Events or status', async () => {
      await expectNoSecretAnywhere(env, (await server(18)).password, namespaces);
    });
  });
});
