import { expect } from 'chai';
import { query } from '../support/pg.js';
import { freshDatabase } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  useOperatorEnv,
  waitForEvent,
  waitForSmig,
} from '../support/operator.js';
import { files, prepare, schemaMigration } from '../support/manifests.js';

const NS = 'drift';
const NAME = 'api';
const SQL = files(['CREATE TABLE sessions (id int PRIMARY KEY, org_id varchar(40));']);

describe('drift of a SchemaMigration changed by hand (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  let url = '';

  before(async () => {
    url = await freshDatabase(18);
    await prepare(env, NS, NAME, url, SQL);
    await apply(env, schemaMigration(NS, NAME, { drift: '1s' }));
    await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'), 10_000);
  });

  it('reports Drifted=True naming the column within about 2 s of an ALTER, Ready unchanged', async () => {
    await query(url, 'ALTER TABLE sessions ALTER COLUMN org_id TYPE text');
    const t0 = performance.now();
    const o = await waitForSmig(env, NS, NAME, hasCondition('Drifted', 'True'), 5_000);
    console.log(`      Drifted ${Math.round(performance.now() - t0)} ms after the ALTER`);
    expect(condition(o, 'Drifted')?.reason).to.equal('SchemaDrift');
    expect(condition(o, 'Drifted')?.message).to.include(
      'column public.sessions.org_id: type character varying(40) -> text',
    );
    expect(o.status?.drift).to.deep.include({ count: 1, changed: 1 });
    expect(condition(o, 'Ready')?.status).to.equal('True');
    const e = await waitForEvent(env, NS, NAME, 'SchemaDrift');
    expect(e.note).to.include('column public.sessions.org_id');
  });

  it('clears when the change is undone by hand', async () => {
    await query(url, 'ALTER TABLE sessions ALTER COLUMN org_id TYPE varchar(40)');
    const o = await waitForSmig(env, NS, NAME, hasCondition('Drifted', 'False'), 5_000);
    expect(o.status?.drift).to.equal(undefined);
    expect(condition(o, 'Ready')?.status).to.equal('True');
  });
});
