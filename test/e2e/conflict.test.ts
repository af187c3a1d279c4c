import { expect } from 'chai';
import { freshDatabase, query, server } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  kubectlIn,
  sleep,
  useOperatorEnv,
  waitForSmig,
} from '../support/operator.js';
import { expectNoSecretAnywhere, files, prepare, schemaMigration } from '../support/manifests.js';

// The newer one sorts first by name, so only the creation time can make the older one win.
const OLDER = 'z-older';
const NEWER = 'a-newer';

describe('two SchemaMigrations on one database and history table (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  let url = '';

  before(async () => {
    url = await freshDatabase(18);
    await prepare(env, OLDER, 'api', url, files(['CREATE TABLE a (id int);']));
    // The same history plus one more: after the older one goes, the newer one carries on.
    const both = files(['CREATE TABLE a (id int);', 'CREATE TABLE b (id int);']);
    await prepare(env, NEWER, 'api', url, both);
  });

  it('lets the one that ran first work and refuses the other with Conflict, naming no other namespace', async () => {
    await apply(env, schemaMigration(OLDER, 'api'));
    await waitForSmig(env, OLDER, 'api', hasCondition('Ready', 'True'));
    await sleep(1100); // creationTimestamp has a resolution of one second
    await apply(env, schemaMigration(NEWER, 'api'));
    const o = await waitForSmig(env, NEWER, 'api', hasCondition('Failed', 'True', 'Conflict'));
    expect(condition(o, 'Failed')?.message).to.match(/^another SchemaMigration already manages/);
    expect(JSON.stringify(o.status)).not.to.contain(OLDER);
    expect(condition(o, 'Stalled')?.status).to.equal('True');
    expect(condition(await waitForSmig(env, OLDER, 'api', () => true), 'Ready')?.status).to.equal(
      'True',
    );
    const rows = await query<{ version: string }>(
      url,
      'SELECT version FROM schema_operator_history',
    );
    expect(rows.map((r) => r.version)).to.deep.equal(['001']);
    expect(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'b'")).to.have.length(0);
  });

  it('keeps refusing the newer one after an operator restart', async () => {
    for (let i = 0; i < 3; i++) {
      const mark = env.operators[0]!.mark();
      await env.operators[0]!.restart();
      await env.operators[0]!.waitForLog((l) => l.message === 'controllers started', 20_000, mark);
      await sleep(1500);
      const get = await kubectlIn(env, ['get', 'smig', '-A']);
      expect(get.stdout, `restart ${i}`).to.match(/a-newer\s+api\s+False/);
      expect(get.stdout, `restart ${i}`).to.match(/z-older\s+api\s+True/);
      expect(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'b'")).to.have.length(0);
    }
  });

  it('lets the newer one work once the older one is deleted', async () => {
    const r = await kubectlIn(env, ['delete', 'smig/api', '-n', OLDER]);
    expect(r.code, r.stderr).to.equal(0);
    const o = await waitForSmig(env, NEWER, 'api', hasCondition('Ready', 'True'));
    expect(o.status?.appliedVersion).to.equal('002');
  });

  describe('after all of that', () => {
    it('never shows the database password in logs, Events or status', async () => {
      await expectNoSecretAnywhere(env, (await server(18)).password, [OLDER, NEWER]);
    });
  });
});
