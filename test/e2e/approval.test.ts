import { expect } from 'chai';
import { APPROVE_ANNOTATION, type SchemaMigration } from '../../src/api/index.js';
import { pods as podsResource } from '../../src/controllers/resources.js';
import type { PodObject } from '../../src/kube/index.js';
import { freshDatabase, query } from '../support/pg.js';
import {
  apply,
  condition,
  eventsIn,
  kubectlIn,
  sleep,
  useOperatorEnv,
  waitForEvent,
  waitForSmig,
  type OperatorEnv,
} from '../support/operator.js';
import { configMap, files, prepare, schemaMigration } from '../support/manifests.js';
import { gatedPod } from '../support/podgate-timeline.js';
import { FLEET_MIGRATIONS, fleetOrganization } from '../support/fleet-objects.js';
import { organizations } from '../../src/controllers/resources.js';
import { dbSecret, namespace } from '../support/manifests.js';
import type { Organization } from '../../src/api/index.js';

const BASE = files(['CREATE TABLE users (id int, name text);', 'CREATE TABLE notes (id int);']);
/** A third file whose ALTER rewrites users: lint flags it. */
const RISKY = { ...BASE, ...files(['ALTER TABLE users ALTER COLUMN id TYPE bigint;'], 3) };
const SAFE_NEXT = { ...RISKY, ...files(['CREATE TABLE tags (id int);'], 4) };

const withApproval = (ns: string, approval: 'Risky' | 'Always'): SchemaMigration => {
  const s = schemaMigration(ns, 'api');
  return { ...s, spec: { ...s.spec, approval } };
};
const awaiting = (o: SchemaMigration | undefined) =>
  o?.status?.phase === 'AwaitingApproval' &&
  condition(o, 'Ready')?.reason === 'AwaitingApproval' &&
  o.metadata.generation === o.status.observedGeneration;
const appliedAt = (v: string) => (o: SchemaMigration | undefined) =>
  condition(o, 'Ready')?.status === 'True' && o?.status?.appliedVersion === v;
const approve = async (env: OperatorEnv, ns: string, hash: string) => {
  const r = await kubectlIn(env, [
    'annotate',
    'smig/api',
    '-n',
    ns,
    `${APPROVE_ANNOTATION}=${hash}`,
    '--overwrite',
  ]);
  expect(r.code, r.stderr).to.equal(0);
};
const tables = async (url: string) =>
  (
    await query<{ t: string }>(
      url,
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'schema_operator%' ORDER BY 1",
    )
  ).map((r) => r.t);

describe('approval of risky plans with the operator, a devcluster and PostgreSQL 18', function () {
  this.timeout(90_000);
  const env = useOperatorEnv();
  const pods = () => env.client.resource<PodObject>(podsResource);

  it('holds a Risky plan that rewrites a table until the annotation carries its hash, then waits again for the next risky plan', async () => {
    const ns = 'approve-risky';
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, BASE);
    await apply(env, withApproval(ns, 'Risky'));
    // No finding: runs without approval.
    await waitForSmig(env, ns, 'api', appliedAt('002'), 30_000);

    await apply(env, configMap(ns, 'api-migrations', RISKY));
    const waiting = await waitForSmig(env, ns, 'api', awaiting, 30_000);
    const plan = waiting.status!.plan!;
    expect(plan.hash).to.match(/^[0-9a-f]{16}$/);
    expect(plan.from).to.equal('002');
    expect(plan.files!.map((f) => f.version)).to.deep.equal(['003']);
    expect(plan.findings!.map((f) => f.rule)).to.deep.equal(['alter-column-type']);
    expect(condition(waiting, 'Ready')!.message).to.include(
      `kubectl annotate smig api ${APPROVE_ANNOTATION}=${plan.hash}`,
    );
    expect(waiting.status!.appliedVersion).to.equal('002');
    const told = await waitForEvent(env, ns, 'api', 'AwaitingApproval');
    expect(told.note).to.include(plan.hash);
    const columns = await query<{ type: string }>(
      url,
      "SELECT data_type AS type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'id'",
    );
    expect(columns[0]?.type, 'nothing ran while waiting').to.equal('integer');

    await approve(env, ns, plan.hash);
    await waitForSmig(env, ns, 'api', appliedAt('003'), 30_000);

    // The annotation stays, and approves nothing further: a new risky file waits again.
    await apply(
      env,
      configMap(ns, 'api-migrations', {
        ...SAFE_NEXT,
        ...files(['ALTER TABLE notes ALTER COLUMN id TYPE bigint;'], 5),
      }),
    );
    const again = await waitForSmig(env, ns, 'api', awaiting, 30_000);
    expect(again.status!.plan!.hash).not.to.equal(plan.hash);
    expect(again.status!.appliedVersion).to.equal('003');
    expect(await tables(url)).to.deep.equal(['notes', 'users']);
  });

  it('approves nothing with a stale hash after the source changed, and says so once', async () => {
    const ns = 'approve-stale';
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, BASE);
    await apply(env, withApproval(ns, 'Risky'));
    await waitForSmig(env, ns, 'api', appliedAt('002'), 30_000);
    await apply(env, configMap(ns, 'api-migrations', RISKY));
    const first = (await waitForSmig(env, ns, 'api', awaiting, 30_000)).status!.plan!.hash;

    await apply(env, configMap(ns, 'api-migrations', SAFE_NEXT));
    const second = await waitForSmig(
      env,
      ns,
      'api',
      (o) => awaiting(o) && o?.status?.plan?.hash !== first,
      30_000,
    );
    await approve(env, ns, first);
    const stale = await waitForEvent(env, ns, 'api', 'ApprovalStale', 15_000);
    expect(stale.note).to.include(first).and.include('approves nothing');
    await sleep(1500);
    const still = await waitForSmig(env, ns, 'api', awaiting);
    expect(still.status!.plan!.hash).to.equal(second.status!.plan!.hash);
    expect(still.status!.appliedVersion).to.equal('002');
    const warnings = (await eventsIn(env, ns)).filter((e) => e.reason === 'ApprovalStale');
    expect(warnings, 'one Event per stale hash').to.have.length(1);

    await approve(env, ns, second.status!.plan!.hash);
    await waitForSmig(env, ns, 'api', appliedAt('004'), 30_000);
  });

  it('under Always holds every plan, while pods at an applied min-version are released', async () => {
    const ns = 'approve-always';
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, BASE);
    await apply(env, withApproval(ns, 'Always'));
    const first = await waitForSmig(env, ns, 'api', awaiting, 30_000);
    expect(first.status!.plan!.findings).to.deep.equal([]);
    expect(first.status!.appliedVersion).to.equal(undefined);
    await approve(env, ns, first.status!.plan!.hash);
    await waitForSmig(env, ns, 'api', appliedAt('002'), 30_000);

    await apply(env, configMap(ns, 'api-migrations', { ...BASE, ...files(['SELECT 1;'], 3) }));
    await waitForSmig(env, ns, 'api', awaiting, 30_000);
    await pods().create(gatedPod(ns, 'api-old', 'api', { minVersion: '002' }));
    await pods().create(gatedPod(ns, 'api-new', 'api', { minVersion: '003' }));
    const deadline = Date.now() + 15_000;
    let gates: string[] = ['?'];
    while (Date.now() < deadline) {
      const p = await pods().get({ namespace: ns, name: 'api-old' });
      gates = (p.spec?.schedulingGates ?? []).map((g) => g.name);
      if (gates.length === 0) break;
      await sleep(100);
    }
    expect(gates, 'api-old released while the plan waits').to.deep.equal([]);
    const tooOld = await waitForEvent(env, ns, 'api-new', 'SchemaTooOld');
    expect(tooOld.note).to.include('it awaits approval at version 002');
    const newGates = (await pods().get({ namespace: ns, name: 'api-new' })).spec?.schedulingGates;
    expect(newGates?.length).to.equal(1);
  });

  it('keeps Organizations working while a plan of their database waits', async () => {
    const ns = 'approve-orgs';
    const url = await freshDatabase(18);
    const inline = (n: number) =>
      FLEET_MIGRATIONS.slice(0, n).map((m) => ({ ...m, transactional: true }));
    const smig = (n: number): SchemaMigration => ({
      apiVersion: 'schema.streamspace.io/v1alpha1',
      kind: 'SchemaMigration',
      metadata: { name: 'api', namespace: ns },
      spec: {
        database: { urlSecretRef: { name: 'db', key: 'url' } },
        source: { inline: inline(n) },
        allowOrganizations: true,
        approval: 'Always',
      },
    });
    await apply(env, namespace(ns), dbSecret(ns, 'db', url), smig(2));
    const first = await waitForSmig(env, ns, 'api', awaiting, 30_000);
    await approve(env, ns, first.status!.plan!.hash);
    await waitForSmig(env, ns, 'api', appliedAt('002'), 30_000);
    await apply(env, smig(3));
    await waitForSmig(env, ns, 'api', awaiting, 30_000);

    const orgs = env.client.resource<Organization>(organizations);
    await orgs.create(
      fleetOrganization({ name: 'approve-acme', databaseRef: { namespace: ns, name: 'api' } }),
    );
    const deadline = Date.now() + 20_000;
    let synced: string | undefined;
    while (Date.now() < deadline) {
      const o = await orgs.find({ name: 'approve-acme' });
      synced = o?.status?.conditions?.find((c) => c.type === 'DatabaseSynced')?.status;
      if (synced === 'True') break;
      await sleep(100);
    }
    expect(synced, 'the Organization wrote its row while the plan waits').to.equal('True');
    const rows = await query<{ name: string }>(url, 'SELECT name FROM organizations');
    expect(rows.map((r) => r.name)).to.deep.equal(['approve-acme']);
    expect((await waitForSmig(env, ns, 'api', awaiting)).status!.appliedVersion).to.equal('002');
  });
});
