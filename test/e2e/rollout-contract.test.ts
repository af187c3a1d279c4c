/**
 * Expand and contract driven by a real rollout: a Deployment whose pods
 * carry the gate, the devcluster's ReplicaSets making and removing them,
 * kubectl doing what a user does, and the operator as a process. The pod
 * and SchemaMigration watches of {@link RolloutTimeline} are the evidence.
 * docs/expand-contract.md ("Try it on `dev`") takes a reader through the
 * same steps; test/docs/expand-contract.test.ts runs that page's commands.
 */
import { expect } from 'chai';
import { READY_GATE, type SchemaMigration } from '../../src/api/index.js';
import { migrationDir, writeFiles } from '../support/files.js';
import { freshDatabase, query } from '../support/pg.js';
import { apply, condition, kubectlIn, useOperatorEnv } from '../support/operator.js';
import { namespace, schemaMigration, dbSecret } from '../support/manifests.js';
import {
  lastGone,
  releasedBelowMinVersion,
  RolloutTimeline,
  type PodSample,
} from '../support/rollout-timeline.js';

/** The release running before the change. */
const V004 = { '004_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, full_name text);' };
/** What the source gains: the expand (a column and a trigger keeping it in sync) and the contract. */
const EXPAND_CONTRACT = {
  '005_add_display_name.sql': `ALTER TABLE users ADD COLUMN display_name text;
UPDATE users SET display_name = full_name;
CREATE FUNCTION users_sync_display_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.display_name IS DISTINCT FROM OLD.display_name THEN
    NEW.full_name := NEW.display_name;
  ELSIF TG_OP = 'UPDATE' THEN
    NEW.display_name := NEW.full_name;
  ELSE
    NEW.display_name := coalesce(NEW.display_name, NEW.full_name);
    NEW.full_name := coalesce(NEW.full_name, NEW.display_name);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_sync_display_name BEFORE INSERT OR UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION users_sync_display_name();
`,
  '006_drop_full_name.sql': `-- schema-operator: contract
DROP TRIGGER users_sync_display_name ON users;
DROP FUNCTION users_sync_display_name();
ALTER TABLE users DROP COLUMN full_name;
`,
};
/** The bound the issue asks for, from the last old pod gone to the contract applied. */
const BOUND_MS = 2000;
/**
 * Our watch runs in the devcluster's process, so it learns of a deletion a
 * moment after it happened; the contract's transaction may start no earlier
 * than that moment minus this delivery allowance. A contract run too early
 * starts when 005 lands, seconds before the last old pod goes.
 */
const DELIVERY_SLACK_MS = 50;

/** The v2 template change: one patch, so the rollout makes one new ReplicaSet. */
const TO_V2 =
  '{"spec":{"template":{"metadata":{"annotations":{"schema.streamspace.io/min-version":"005"}},' +
  '"spec":{"containers":[{"name":"api","image":"api:v2"}]}}}}';

/**
 * A v2 that never becomes Ready: a second gate, which nothing removes, holds
 * its pods as a crash-looping release would hold the rollout.
 */
const TO_STUCK_V2 = JSON.stringify({
  spec: {
    template: {
      metadata: { annotations: { 'schema.streamspace.io/min-version': '005' } },
      spec: {
        schedulingGates: [{ name: READY_GATE }, { name: 'example.com/hold' }],
        containers: [{ name: 'api', image: 'api:v2' }],
      },
    },
  },
});

/** The API Deployment of release v1: 3 replicas held by the gate until 004 is applied. */
function deployment(ns: string, strategy?: object): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: ns },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'api' } },
      ...(strategy ? { strategy } : {}),
      template: {
        metadata: {
          labels: { app: 'api', 'schema.streamspace.io/gated': 'true' },
          annotations: {
            'schema.streamspace.io/migration': 'api',
            'schema.streamspace.io/min-version': '004',
          },
        },
        spec: {
          schedulingGates: [{ name: READY_GATE }],
          containers: [{ name: 'api', image: 'api:v1' }],
        },
      },
    },
  };
}

const isV1 = (p: PodSample) => p.minVersion === '004';
const contractPending = (o: SchemaMigration | undefined) => condition(o, 'ContractPending');
const waitingForRollout = (o: SchemaMigration | undefined) =>
  o?.status?.appliedVersion === '005' && contractPending(o)?.reason === 'WaitingForRollout'
    ? o
    : undefined;

/**
 * From the first status holding 006 until the last v1 pod went: Ready, and
 * ContractPending naming the v1 pods' Deployment. Ready goes False
 * (Progressing) only while 006 is applied, after that.
 */
function expectHeldUntil(t: RolloutTimeline, lastRv: number): void {
  const from = t.smigs.find((s) => contractPending(s.obj)?.status === 'True')!.rv;
  const since = t.smigs.filter((s) => s.rv >= from);
  for (const s of since.filter((s) => s.rv < lastRv)) {
    expect(condition(s.obj, 'Ready')?.status, JSON.stringify(s.obj.status)).to.equal('True');
    expect(contractPending(s.obj)).to.deep.include({ status: 'True', reason: 'WaitingForRollout' });
    expect(contractPending(s.obj)?.message).to.include('(Deployment/api, min-version 004)');
  }
  for (const s of since.filter((s) => condition(s.obj, 'Ready')?.status !== 'True')) {
    expect(s.rv, 'Ready dropped only after the last v1 pod').to.be.greaterThan(lastRv);
    expect(condition(s.obj, 'Ready')).to.deep.include({ reason: 'Progressing' });
    expect(condition(s.obj, 'Ready')?.message).to.include('next 006');
  }
}

describe('expand and contract with a Deployment rollout, kubectl and the operator (PostgreSQL 18)', function () {
  this.timeout(90_000);
  const env = useOperatorEnv();
  const timelines: RolloutTimeline[] = [];
  after(() => timelines.forEach((t) => t.stop()));

  const k = async (ns: string, ...args: string[]): Promise<string> => {
    const r = await kubectlIn(env, ['-n', ns, ...args]);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  };

  /** The ConfigMap from a directory, as `create --dry-run | apply` makes it. */
  async function applyConfigMap(ns: string, dir: string): Promise<void> {
    const yaml = await k(
      ns,
      'create',
      'configmap',
      'api-migrations',
      `--from-file=${dir}`,
      '--dry-run=client',
      '-o',
      'yaml',
    );
    const r = await kubectlIn(env, ['-n', ns, 'apply', '-f', '-'], yaml);
    expect(r.code, r.stderr).to.equal(0);
  }

  /**
   * Release v1 rolled out against 004, then 005 and 006 added to the
   * source; resolves once 006 waits for the v1 pods.
   */
  async function v1Waiting(
    ns: string,
    strategy?: object,
  ): Promise<{ t: RolloutTimeline; url: string; held: SchemaMigration }> {
    const url = await freshDatabase(18);
    await apply(env, namespace(ns), dbSecret(ns, 'db', url));
    const t = new RolloutTimeline({ client: env.client, namespace: ns });
    t.start();
    timelines.push(t);
    const dir = migrationDir(V004);
    await applyConfigMap(ns, dir);
    await apply(env, schemaMigration(ns, 'api'), deployment(ns, strategy));
    await k(ns, 'rollout', 'status', 'deployment/api', '--timeout=30s');
    writeFiles(dir, EXPAND_CONTRACT);
    await applyConfigMap(ns, dir);
    const held = await t.until(() => waitingForRollout(t.smig('api')), '006 waiting');
    return { t, url, held };
  }

  const ledger = async (url: string) =>
    (
      await query<{ version: string; started_at: Date }>(
        url,
        'SELECT version, started_at FROM schema_operator_history ORDER BY installed_rank',
      )
    ).map((r) => ({ version: r.version, startedAt: r.started_at.getTime() }));

  /** When the contract was seen applied after `gone`, and that latency in ms. */
  async function contractAfter(t: RolloutTimeline, gone: () => PodSample | undefined) {
    const applied = await t.until(
      () => t.smigs.find((s) => s.obj.status?.appliedVersion === '006'),
      '006 applied',
    );
    const last = gone();
    expect(last, 'the last v1 pod was seen going').to.not.equal(undefined);
    expect(applied.rv, 'status at 006 only after the last v1 pod went').to.be.greaterThan(last!.rv);
    return { applied, last: last!, ms: Math.round(applied.at - last!.at) };
  }

  it('holds 006 while v1 pods run, lets v2 start on 005, and applies 006 within 2 s of the last v1 pod', async () => {
    const ns = 'rollout-contract';
    const { t, url, held } = await v1Waiting(ns);
    const pending = contractPending(held)!;
    expect(pending.status).to.equal('True');
    expect(pending.message).to.match(/waits for 3 pod\(s\)/);
    expect(pending.message).to.include('(Deployment/api, min-version 004)');
    expect(held.status?.contract?.blockingPods?.map((p) => p.workload)).to.deep.equal([
      'Deployment/api',
      'Deployment/api',
      'Deployment/api',
    ]);
    // The expand keeps the old column's writers and the new column's readers in step.
    await query(url, "INSERT INTO users (id, full_name) VALUES (1, 'Ada')");
    const rows = await query<{ display_name: string }>(url, 'SELECT display_name FROM users');
    expect(rows).to.deep.equal([{ display_name: 'Ada' }]);

    await k(ns, 'patch', 'deployment', 'api', '-p', TO_V2);
    await k(ns, 'rollout', 'status', 'deployment/api', '--timeout=30s');
    const { last, ms } = await contractAfter(t, () => lastGone(t, isV1));

    expect(releasedBelowMinVersion(t), 'pods released below their min-version').to.deep.equal([]);
    const versions = await ledger(url);
    expect(versions.map((v) => v.version)).to.deep.equal(['004', '005', '006']);
    const startedAt = versions[2]!.startedAt;
    console.log(
      `      006 applied ${ms} ms after the last v1 pod was gone (bound ${BOUND_MS} ms); ` +
        `its transaction began ${Math.round(startedAt - last.at)} ms after`,
    );
    expect(ms).to.be.below(BOUND_MS);
    expect(startedAt, "006's transaction began after the last v1 pod went").to.be.greaterThan(
      last.at - DELIVERY_SLACK_MS,
    );
    expectHeldUntil(t, last.rv);
    await t.until(
      () => (contractPending(t.smig('api'))?.status === 'False' ? true : undefined),
      'ContractPending=False',
    );
    expect(t.live(isV1)).to.deep.equal([]);
  });

  it('keeps 006 waiting when rollout undo brings the v1 pods back', async () => {
    const ns = 'rollout-undo';
    // One old pod goes before a new one is Ready, so the undo has one to bring back.
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
    const { t, url } = await v1Waiting(ns, strategy);
    const before = t.live(isV1);
    await k(ns, 'patch', 'deployment', 'api', '--type', 'merge', '-p', TO_STUCK_V2);
    await t.until(
      () =>
        (t.live(isV1).length === 2 && t.live((p) => p.released && !isV1(p)).length === 1) ||
        undefined,
      'one v1 pod replaced by a released v2 pod',
    );
    await t.until(
      () => (t.smig('api')?.status?.contract?.blockingCount === 2 ? true : undefined),
      'the contract blocked by the two v1 pods left',
    );

    await k(ns, 'rollout', 'undo', 'deployment/api');
    await k(ns, 'rollout', 'status', 'deployment/api', '--timeout=30s');
    // kubectl has seen the rollout done; the watch may still be delivering its last changes.
    const back = await t.until(() => {
      const v1 = t.live(isV1);
      return v1.length === 3 && t.live((p) => !isV1(p)).length === 0 ? v1 : undefined;
    }, 'three v1 pods and no v2 pod');
    expect(
      back.filter((n) => !before.includes(n)),
      'a v1 pod came back',
    ).to.have.length(1);
    const held = await t.until(() => {
      const o = waitingForRollout(t.smig('api'));
      return o?.status?.contract?.blockingCount === 3 ? o : undefined;
    }, 'the contract blocked by three v1 pods again');
    expect(held.status?.contract?.blockingPods?.map((p) => p.name).sort()).to.deep.equal(
      [...back].sort(),
    );
    expect(t.smigs.filter((s) => s.obj.status?.appliedVersion === '006')).to.deep.equal([]);
    expect((await ledger(url)).map((v) => v.version)).to.deep.equal(['004', '005']);
    expect(releasedBelowMinVersion(t), 'pods released below their min-version').to.deep.equal([]);
  });

  it('applies 006 within 2 s once the v1 Deployment is scaled to 0', async () => {
    const ns = 'rollout-scale';
    const { t, url } = await v1Waiting(ns);
    await k(ns, 'scale', 'deployment/api', '--replicas=0');
    const { ms } = await contractAfter(t, () =>
      t.live(isV1).length ? undefined : lastGone(t, isV1),
    );
    console.log(
      `      006 applied ${ms} ms after the scaled-down v1 pods were gone (bound ${BOUND_MS} ms)`,
    );
    expect(ms).to.be.below(BOUND_MS);
    expect((await ledger(url)).map((v) => v.version)).to.deep.equal(['004', '005', '006']);
  });
});
