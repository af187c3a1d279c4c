import { expect } from 'chai';
import { checksum } from '../../src/engine/index.js';
import { freshDatabase, query, server } from '../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  kubectlIn,
  useOperatorEnv,
  waitForEvent,
  waitForSmig,
} from '../support/operator.js';
import {
  configMap,
  expectNoSecretAnywhere,
  files,
  generationOf,
  prepare,
  schemaMigration,
} from '../support/manifests.js';

const NS = 'shop';
const NAME = 'api';
const THREE = files([
  'CREATE TABLE items (id int PRIMARY KEY);',
  'ALTER TABLE items ADD COLUMN title text;',
  "INSERT INTO items VALUES (1, 'one');",
]);

describe('a SchemaMigration reading a ConfigMap, through kubectl (PostgreSQL 18)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv();
  let url = '';
  const tables = async () =>
    (
      await query<{ t: string }>(
        url,
        "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      )
    ).map((r) => r.t);

  before(async () => {
    url = await freshDatabase(18);
    await prepare(env, NS, NAME, url, THREE);
  });

  it('becomes Ready within a second of kubectl apply, and kubectl shows it', async () => {
    const t0 = performance.now();
    await apply(env, schemaMigration(NS, NAME));
    const t1 = performance.now();
    await waitForSmig(env, NS, NAME, hasCondition('Ready', 'True'), 10_000);
    const t2 = performance.now();
    console.log(
      `      Ready ${Math.round(t2 - t0)} ms after kubectl apply started ` +
        `(${Math.round(t2 - t1)} ms after it returned)`,
    );
    expect(t2 - t0).to.be.below(5_000);

    const get = await kubectlIn(env, ['get', 'smig', NAME, '-n', NS]);
    expect(get.code, get.stderr).to.equal(0);
    const [header, row] = get.stdout.trim().split('\n');
    expect(header).to.match(/^NAME\s+READY\s+APPLIED\s+PENDING\s+AGE$/);
    expect(row).to.match(/^api\s+True\s+003\s+0\s+\S+$/);
    const wait = await kubectlIn(env, [
      'wait',
      '--for=condition=Ready',
      `smig/${NAME}`,
      '-n',
      NS,
      '--timeout=10s',
    ]);
    expect(wait.code, wait.stderr).to.equal(0);
    expect(await tables()).to.include('items');
  });

  it('applies a fourth key added to the ConfigMap without a change to the CR', async () => {
    const gen = await generationOf(env, NS, NAME);
    const four = { ...THREE, ...files(['CREATE TABLE tags (id int PRIMARY KEY);'], 4) };
    const out = await apply(env, configMap(NS, `${NAME}-migrations`, four));
    expect(out).to.contain('configured');
    // appliedVersion moves while the run goes on (Ready still False): wait for both.
    const o = await waitForSmig(
      env,
      NS,
      NAME,
      (s) => s?.status?.appliedVersion === '004' && hasCondition('Ready', 'True')(s),
    );
    expect(o.metadata?.generation).to.equal(gen);
    expect(condition(o, 'Ready')?.status).to.equal('True');
    expect(o.status?.counts).to.deep.include({ applied: 4, pending: 0 });
    expect(await tables()).to.include('tags');
  });

  it('stalls with ChecksumMismatch when an applied file is edited, and runs nothing', async () => {
    const recorded = (
      await query<{ checksum: string }>(
        url,
        "SELECT checksum FROM schema_operator_history WHERE version = '002'",
      )
    )[0]!.checksum;
    const edited = 'ALTER TABLE items ADD COLUMN title text;\nCREATE TABLE never_created (x int);';
    const five = {
      ...THREE,
      '002_m2.sql': edited,
      ...files(['CREATE TABLE tags (id int PRIMARY KEY);'], 4),
      ...files(['CREATE TABLE also_never (x int);'], 5),
    };
    await apply(env, configMap(NS, `${NAME}-migrations`, five));
    const o = await waitForSmig(env, NS, NAME, hasCondition('Stalled', 'True', 'ChecksumMismatch'));
    const failed = condition(o, 'Failed');
    expect(failed?.status).to.equal('True');
    expect(failed?.reason).to.equal('ChecksumMismatch');
    expect(failed?.message).to.contain(recorded).and.contain(checksum(edited));
    expect(condition(o, 'Ready')?.status).to.equal('False');
    expect(await tables()).to.not.include.members(['never_created', 'also_never']);

    const event = await waitForEvent(env, NS, NAME, 'ChecksumMismatch');
    expect(event.type).to.equal('Warning');
    expect(event.note).to.contain(recorded);
    // The recorder posts events.k8s.io/v1 Events; name the group so the check does not depend on
    // the devcluster showing them as core/v1 too (a real API server does), and ask for columns.
    const ev = await kubectlIn(env, [
      'get',
      'events.events.k8s.io',
      '-n',
      NS,
      '-o',
      'custom-columns=TYPE:.type,REASON:.reason,KIND:.regarding.kind,NAME:.regarding.name',
    ]);
    expect(ev.code, ev.stderr).to.equal(0);
    expect(ev.stdout).to.match(/Warning\s+ChecksumMismatch\s+SchemaMigration\s+api/);
    const core = await kubectlIn(env, ['get', 'events', '-n', NS]);
    expect(core.code, core.stderr).to.equal(0);
    const shown = /ChecksumMismatch/.test(core.stdout) ? 'shows' : 'does not show';
    console.log(`      plain \`kubectl get events\` ${shown} it`);
  });

  it('never shows the database password in logs, Events or status', async () => {
    await expectNoSecretAnywhere(env, (await server(18)).password, [NS]);
  });
});
