/**
 * The kube layer against the devcluster (src/devcluster): real HTTP, real
 * watches, real optimistic concurrency.
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevCluster, type DevCluster } from '../../../src/devcluster/index.js';
import { connect, type KubeClient } from '../../../src/kube/client.js';
import { KubeEventRecorder, eventResource, type EventObject } from '../../../src/kube/events.js';
import { Informer } from '../../../src/kube/informer.js';
import { LeaderElector } from '../../../src/kube/leader-election.js';
import { KubeLeaseStore, leaseResource, type LeaseObject } from '../../../src/kube/lease-store.js';
import { mergePatchStatus } from '../../../src/kube/patch.js';
import type { ConfigMapObject, Unstructured } from '../../../src/kube/objects.js';
import type { KubeObject } from '../../../src/kube/resource-client.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';

/** A custom resource of the test CRD below: any spec, and a phase in status. */
type Widget = Unstructured & { status?: { phase?: string } };

const cms = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kube layer on the devcluster', function () {
  this.timeout(60_000);
  let cluster: DevCluster;
  let kube: KubeClient;

  before(async () => {
    cluster = await startDevCluster({ bookmarkIntervalMs: 200 });
    const path = join(mkdtempSync(join(tmpdir(), 'kube-it-')), 'config');
    await cluster.writeKubeconfig(path);
    kube = connect({ kubeconfigPath: path });
  });
  after(() => cluster.stop());
  afterEach(() => cluster.faults.reset());

  it('sees adds, updates and deletes, and survives closed watches and compacted history', async () => {
    const client = kube.resource<ConfigMapObject>(cms);
    const metrics = new OperatorMetrics({ processMetrics: false });
    const inf = new Informer({
      client,
      namespace: 'default',
      labelSelector: 'it=informer',
      metrics,
      backoff: { baseMs: 20, maxMs: 200 },
    });
    const events: string[] = [];
    inf.on({
      add: (o) => events.push(`add ${o.metadata?.name}`),
      update: (_, o) => events.push(`update ${o.metadata?.name} ${o.data?.v}`),
      delete: (o) => events.push(`delete ${o.metadata?.name}`),
    });
    const meta = (name: string) => ({ name, namespace: 'default', labels: { it: 'informer' } });
    await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('a'),
      data: { v: '1' },
    });
    inf.start();
    try {
      await inf.waitForSync();
      await client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('b'),
        data: { v: '1' },
      });
      await client.mergePatch({ namespace: 'default', name: 'a' }, { data: { v: '2' } });
      await until('add/update', () => events.includes('update a 2') && events.includes('add b'));

      cluster.faults.closeWatches();
      await client.delete({ namespace: 'default', name: 'b' });
      await until('delete after closed watch', () => events.includes('delete b'));

      const relists = async () =>
        (await metrics.informerRelists.get()).values.reduce((s, v) => s + v.value, 0);
      // The next watch request is answered 410, as after a compaction: the informer re-lists.
      cluster.faults.compactHistory();
      cluster.faults.failNext({
        method: 'GET',
        pathPrefix: '/api/v1/namespaces/default/configmaps',
        status: 410,
      });
      cluster.faults.closeWatches();
      await until('re-list after 410', async () => (await relists()) >= 1);
      await client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('c'),
        data: { v: '1' },
      });
      await until('c after the re-list', () => inf.cache.get('default/c') !== undefined);
      expect(inf.cache.keys().sort()).to.deep.equal(['default/a', 'default/c']);
    } finally {
      await inf.stop();
    }
  });

  it('hands leadership to the second elector when the first stops', async () => {
    const leases = kube.resource<LeaseObject>(leaseResource);
    const store = new KubeLeaseStore(leases, { namespace: 'default', name: 'it-lock' });
    const timing = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 };
    const a = new LeaderElector({ store, identity: 'a', ...timing });
    const b = new LeaderElector({ store, identity: 'b', ...timing });
    const noop = { onStartedLeading() {}, onStoppedLeading() {} };
    void a.run(noop);
    await until('a leads', () => a.isLeader());
    void b.run(noop);
    await new Promise((r) => setTimeout(r, 600));
    expect(b.isLeader()).to.equal(false);
    const lease = await leases.get({ namespace: 'default', name: 'it-lock' });
    expect(lease.spec?.holderIdentity).to.equal('a');
    expect(lease.spec?.renewTime).to.match(/\.\d{6}Z$/);
    const stoppedAt = Date.now();
    await a.stop();
    await until('b leads', () => b.isLeader(), 3000);
    expect(Date.now() - stoppedAt).to.be.lessThan(3000);
    expect(
      (await leases.get({ namespace: 'default', name: 'it-lock' })).spec?.leaseTransitions,
    ).to.equal(1);
    await b.stop();
  });

  it('posts an event on an object and aggregates a repeat into its series', async () => {
    const client = kube.resource<KubeObject>(cms);
    const obj = await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ev', namespace: 'default' },
    });
    const events = kube.resource<EventObject>(eventResource);
    const rec = new KubeEventRecorder({ client: events, instance: 'pod-1' });
    const subject = { ...obj, apiVersion: 'v1', kind: 'ConfigMap' };
    await rec.record(
      subject,
      'Warning',
      'MigrationFailed',
      'while applying 006_add_organizations.sql: boom',
    );
    await rec.record(
      subject,
      'Warning',
      'MigrationFailed',
      'while applying 006_add_organizations.sql: boom',
    );
    const { items } = await events.list({ namespace: 'default' });
    const mine = items.filter((e) => e.regarding.name === 'ev');
    expect(mine).to.have.length(1);
    expect(mine[0]).to.deep.include({
      type: 'Warning',
      reason: 'MigrationFailed',
      reportingController: 'schema-operator',
    });
    expect(mine[0]!.series?.count).to.equal(2);
  });

  it('patches the status subresource of a custom resource only when it changed', async () => {
    const crds = kube.resource<Unstructured>({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      plural: 'customresourcedefinitions',
      namespaced: false,
    });
    await crds.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.it.example.com' },
      spec: {
        group: 'it.example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: {
              openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        ],
      },
    });
    const widgets = kube.resource<Widget>({
      group: 'it.example.com',
      version: 'v1',
      plural: 'widgets',
      namespaced: true,
    });
    let w: Widget | undefined;
    await until('CRD served', async () => {
      try {
        w = await widgets.create({
          apiVersion: 'it.example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w', namespace: 'default' },
          spec: { size: 1 },
        });
        return true;
      } catch {
        return false;
      }
    });
    const first = await mergePatchStatus(widgets, w!, { phase: 'Ready' });
    expect(first.changed).to.equal(true);
    expect(first.object.status?.phase).to.equal('Ready');
    expect(first.object.metadata?.generation).to.equal(w!.metadata?.generation);
    const again = await mergePatchStatus(widgets, first.object, { phase: 'Ready' });
    expect(again.changed).to.equal(false);
  });
});
