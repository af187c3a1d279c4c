/**
 * Sharding (issue 9): two `schema-operator run` processes with
 * `--selector shard=a` and `--selector shard=b` split 200 Organizations,
 * two SchemaMigrations and the gated pods. Each process talks to the
 * devcluster through a recording proxy of its own, so every write is known
 * to come from one shard; half of each shard's orgs name the other shard's
 * SchemaMigration, which is why a sharded operator watches every
 * SchemaMigration for readiness while it reconciles only its own.
 */
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { READY_GATE, type Organization } from '../../src/api/index.js';
import { organizations } from '../../src/controllers/resources.js';
import type { GatedPod } from '../../src/controllers/pod-annotations.js';
import { pods as podsResource } from '../../src/controllers/resources.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import { leaseResource, type KubeObject, type LeaseObject } from '../../src/kube/index.js';
import { createAll, fleetOrganization, fleetSchemaMigration } from '../support/fleet-objects.js';
import { isReady, until } from '../support/poll.js';
import {
  kubeconfigVia,
  startRecordingProxy,
  type RecordingProxy,
} from '../support/recording-proxy.js';
import { freshDatabase, query } from '../support/pg.js';
import { OperatorProcess, sleep, useOperatorEnv } from '../support/operator.js';
import { gatedPod } from '../support/podgate-timeline.js';

const NS = 'fleet';
const ORGS = 200;
const SHARDS = ['a', 'b'] as const;
type Shard = (typeof SHARDS)[number];

/** Org i: shard a or b by parity; its database is smig-a for i%4 in {0,1}, else smig-b. */
const shardOf = (i: number): Shard => (i % 2 === 0 ? 'a' : 'b');
const databaseOf = (i: number): Shard => (i % 4 < 2 ? 'a' : 'b');
const orgName = (i: number) => `org-${String(i).padStart(3, '0')}`;

describe('two shards of the operator (--selector shard=a / shard=b, PostgreSQL 18)', function () {
  this.timeout(120_000);
  const env = useOperatorEnv({ operators: 0 });
  const proxies = new Map<Shard, RecordingProxy>();
  const operators = new Map<Shard, OperatorProcess>();
  const urls = new Map<Shard, string>();

  before(async function () {
    this.timeout(60_000);
    const core = (plural: string, namespaced: boolean) =>
      env.client.resource<KubeObject>({ group: '', version: 'v1', plural, namespaced });
    await core('namespaces', false).create({ metadata: { name: NS } });
    for (const shard of SHARDS) {
      urls.set(shard, await freshDatabase(18));
      await core('secrets', true).create({
        metadata: { name: `db-${shard}`, namespace: NS },
        stringData: { url: urls.get(shard)! },
      } as KubeObject);
      const proxy = await startRecordingProxy(env.dc.url);
      proxies.set(shard, proxy);
      const kubeconfigPath = join(dirname(env.kubeconfigPath), `shard-${shard}`);
      await writeFile(kubeconfigPath, kubeconfigVia(env.dc.kubeconfig(), env.dc.url, proxy.url));
      const op = new OperatorProcess({
        kubeconfigPath,
        leaderElect: true,
        extraArgs: ['--selector', `shard=${shard}`],
      });
      env.operators.push(op);
      operators.set(shard, op);
      await op.start();
    }
    for (const op of operators.values())
      await op.waitForLog((l) => l.message === 'controllers started', 30_000);
  });

  after(async () => {
    for (const p of proxies.values()) await p.stop();
  });

  it('makes every Organization Ready, each written by its own shard only', async () => {
    await createAll(
      env.client.resource(schemaMigrations),
      SHARDS.map((s) =>
        fleetSchemaMigration({
          namespace: NS,
          name: `smig-${s}`,
          secret: `db-${s}`,
          labels: { shard: s },
        }),
      ),
    );
    const orgs = env.client.resource<Organization>(organizations);
    await createAll(
      orgs,
      Array.from({ length: ORGS }, (_, i) =>
        fleetOrganization({
          name: orgName(i),
          databaseRef: { namespace: NS, name: `smig-${databaseOf(i)}` },
          labels: { shard: shardOf(i) },
        }),
      ),
    );
    let ready = 0;
    await until(`${ORGS} orgs Ready`, 90_000, async () => {
      ready = (await orgs.list()).items.filter(isReady).length;
      return ready === ORGS;
    });

    const expected = (s: Shard) =>
      new Set(
        Array.from({ length: ORGS }, (_, i) => i)
          .filter((i) => shardOf(i) === s)
          .map(orgName),
      );
    for (const s of SHARDS) {
      const proxy = proxies.get(s)!;
      expect(
        [...proxy.writtenNames('organizations')].sort(),
        `orgs written by shard ${s}`,
      ).to.deep.equal([...expected(s)].sort());
      expect([...proxy.writtenNames('schemamigrations')], `smigs written by ${s}`).to.deep.equal([
        `smig-${s}`,
      ]);
      // The operator's own account agrees: it synced exactly the orgs of its shard.
      const synced = new Set(
        operators
          .get(s)!
          .logs()
          .filter((l) => l.message === 'organization synced')
          .map((l) => String(l.key)),
      );
      expect([...synced].sort(), `orgs synced by ${s} (its logs)`).to.deep.equal(
        [...expected(s)].sort(),
      );
    }
    // Each database holds the orgs that name it, whichever shard wrote them.
    for (const s of SHARDS) {
      const rows = await query<{ n: number }>(
        urls.get(s)!,
        'SELECT count(*)::int AS n FROM organizations',
      );
      expect(rows[0]!.n, `rows in the database of smig-${s}`).to.equal(ORGS / 2);
    }
  });

  it('gives each shard a Lease of its own, derived from its selector', async () => {
    const leases = (
      await env.client.resource<LeaseObject>(leaseResource).list({ namespace: 'default' })
    ).items;
    const names = leases.map((l) => l.metadata!.name!).sort();
    expect(names).to.have.length(2);
    expect(names[0]).to.match(/^schema-operator-shard-a-[0-9a-f]{8}$/);
    expect(names[1]).to.match(/^schema-operator-shard-b-[0-9a-f]{8}$/);
    const holders = new Set(leases.map((l) => l.spec?.holderIdentity));
    expect(holders.size, 'two different holders').to.equal(2);
    for (const s of SHARDS) {
      const start = operators
        .get(s)!
        .logs()
        .find((l) => l.message === 'schema-operator starting');
      expect(String(start?.lease)).to.match(new RegExp(`^default/schema-operator-shard-${s}-`));
    }
  });

  it('releases a gated pod from its own shard only, and leaves an unlabelled one gated', async () => {
    const pods = env.client.resource<GatedPod>(podsResource);
    for (const p of SHARDS) proxies.get(p)!.clear();
    // The pod names the other shard's SchemaMigration: readiness is seen across shards.
    const labelled = gatedPod(NS, 'api-b', 'smig-a');
    labelled.metadata!.labels!.shard = 'b';
    await pods.create(labelled);
    await pods.create(gatedPod(NS, 'api-unsharded', 'smig-a'));
    const gates = async (name: string) =>
      ((await pods.get({ namespace: NS, name })).spec?.schedulingGates ?? []).map((g) => g.name);
    await until('api-b released', 15_000, async () => (await gates('api-b')).length === 0, 50);
    expect([...proxies.get('b')!.writtenNames('pods')]).to.deep.equal(['api-b']);
    expect([...proxies.get('a')!.writtenNames('pods')]).to.deep.equal([]);
    // No shard's selector matches it: fail closed.
    await sleep(1000);
    expect(await gates('api-unsharded')).to.deep.equal([READY_GATE]);
  });
});
