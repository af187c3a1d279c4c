import { expect } from 'chai';
import { checksum } from '../../src/engine/index.js';
import { freshDatabase, query } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  kubectlIn,
  useOperatorEnv,
  waitForEvent,
  waitForSmig,
} from '../support/operator.js';
import { configMap, files, prepare, schemaMigration } from '../support/manifests.js';

const NS = 'repairs';
const NAME = 'api';
const TWO = files([
  'CREATE TABLE items (id int PRIMARY KEY);',
  "ALTER TABLE items ADD COLUMN kind text DEFAULT 'plain';",
]);

describe('repairing an edited applied file on a SchemaMigration, through kubectl (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  let url = '';
  const annotate = (...pairs: string[]) =>
    kubectlIn(env, ['annotate', 'smig', NAME, '-n', NS, '--overwrite', ...pairs]);

  before(async () => {
    url = await freshDatabase(18);
    await prepare(env, NS, NAME, url, TWO);
    await apply(env, schemaMigration(NS, NAME));
    await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'), 10_000);
  });

  it('takes an edit of comments only as applied and goes on with the next file', async () => {
    const edited = {
      '001_m1.sql': '-- the items we sell\nCREATE TABLE items (\n  id int PRIMARY KEY\n);\n',
      '002_m2.sql': TWO['002_m2.sql']!,
      '003_m3.sql': 'CREATE TABLE tags (id int);',
    };
    await apply(env, configMap(NS, `${NAME}-migrations`, edited));
    const o = await waitForSmig(env, NS, NAME, (x) => x?.status?.appliedVersion === '003');
    expect(condition(o, 'Ready')?.status).to.equal('True');
  });

  it('stalls on a real edit; a repair annotation with another checksum says so; the right one makes it Ready', async () => {
    const edited = "ALTER TABLE items ADD COLUMN kind text DEFAULT 'fancy';";
    await apply(
      env,
      configMap(NS, `${NAME}-migrations`, {
        ...files(['CREATE TABLE items (id int PRIMARY KEY);', edited]),
        '003_m3.sql': 'CREATE TABLE tags (id int);',
      }),
    );
    await waitForSmig(env, NS, NAME, hasCondition('Stalled', 'True', 'ChecksumMismatch'));

    const wrong = 'sha256:' + '0'.repeat(64);
    let r = await annotate(
      `schema.streamspace.io/repair=002:${wrong}`,
      'schema.streamspace.io/repair-reason=default changed by hand',
    );
    expect(r.code, r.stderr).to.equal(0);
    const refused = await waitForSmig(env, NS, NAME, (x) =>
      /names checksum sha256:0{64}/.test(condition(x, 'Failed')?.message ?? ''),
    );
    expect(condition(refused, 'Failed')?.message).to.contain(checksum(edited));

    r = await annotate(`schema.streamspace.io/repair=002:${checksum(edited)}`);
    expect(r.code, r.stderr).to.equal(0);
    await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'));
    const event = await waitForEvent(env, NS, NAME, 'Repaired');
    expect(event.note).to.contain('default changed by hand');
    const rows = await query<{ version: string; new_checksum: string; repaired_by: string }>(
      url,
      'SELECT version, new_checksum, repaired_by FROM schema_operator_repairs',
    );
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ version: '002', new_checksum: checksum(edited) });
    expect(rows[0]!.repaired_by).to.match(/^SchemaMigration repairs\/api/);
    const ledger = await query<{ checksum: string }>(
      url,
      "SELECT checksum FROM schema_operator_history WHERE version = '002'",
    );
    expect(ledger[0]!.checksum).to.equal(checksum(edited));
  });
});
