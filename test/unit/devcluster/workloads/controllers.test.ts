/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON inspected loosely by tests */
import { expect } from 'chai';
import { useDevCluster } from '../../../support/devcluster.js';
import { call, openWatch } from '../../../support/http-client.js';
import { until } from '../../../support/poll.js';

const NS = '/namespaces/default';
const DEPLOYS = `/apis/apps/v1${NS}/deployments`;
const RSS = `/apis/apps/v1${NS}/replicasets`;
const PODS = `/api/v1${NS}/pods`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const deployment = (name: string, replicas: number, spec: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: 'img:v1' }], ...spec },
    },
  },
});

describe('devcluster workload controllers', function () {
  this.timeout(20_000);
  const f = useDevCluster({ podStartDelayMs: 20 });
  const req = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(f.url, method, path, body, headers);
  const items = async (path: string, selector: string): Promise<any[]> =>
    (await req('GET', `${path}?labelSelector=${encodeURIComponent(selector)}`)).body.items;
  const ready = (p: any): boolean =>
    p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;
  const rolledOut = async (name: string, replicas: number): Promise<void> =>
    until(
      `${name} rolled out`,
      10_000,
      async () => {
        const d = (await req('GET', `${DEPLOYS}/${name}`)).body;
        return (
          d.status?.observedGeneration === d.metadata.generation &&
          d.status?.updatedReplicas === replicas &&
          d.status?.availableReplicas === replicas &&
          d.status?.replicas === replicas
        );
      },
      20,
    );

  it('makes a ReplicaSet named after the template hash and its pods, owned and labelled', async () => {
    expect((await req('POST', DEPLOYS, deployment('web', 3))).status).to.equal(201);
    await rolledOut('web', 3);
    const [rs, ...more] = await items(RSS, 'app=web');
    expect(more).to.have.length(0);
    const hash = rs.metadata.labels['pod-template-hash'];
    expect(rs.metadata.name).to.equal(`web-${hash}`);
    expect(rs.metadata.annotations['deployment.kubernetes.io/revision']).to.equal('1');
    expect(rs.metadata.ownerReferences[0]).to.include({
      kind: 'Deployment',
      name: 'web',
      controller: true,
    });
    expect(rs.status).to.include({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      fullyLabeledReplicas: 3,
    });
    const pods = await items(PODS, 'app=web');
    expect(pods).to.have.length(3);
    for (const p of pods) {
      expect(p.metadata.name.startsWith(`${rs.metadata.name}-`)).to.equal(true);
      expect(p.metadata.labels['pod-template-hash']).to.equal(hash);
      expect(p.metadata.ownerReferences[0]).to.include({
        kind: 'ReplicaSet',
        uid: rs.metadata.uid,
      });
      expect(p.spec.nodeName).to.be.a('string').and.not.equal('');
      expect(ready(p)).to.equal(true);
    }
    const d = (await req('GET', `${DEPLOYS}/web`)).body;
    const progressing = d.status.conditions.find((c: any) => c.type === 'Progressing');
    expect(progressing.reason).to.equal('NewReplicaSetAvailable');
  });

  it('starts a pod of a ReplicaSet after the delay: Pending and bound first, then Running and Ready', async () => {
    const watch = openWatch(f.url, `${PODS}?watch=true&labelSelector=app%3Dlate`);
    await req('POST', DEPLOYS, deployment('late', 1));
    await rolledOut('late', 1);
    watch.stop();
    const [added, started] = watch.events;
    expect(added!.type).to.equal('ADDED');
    expect(added!.object.status.phase).to.equal('Pending');
    expect(added!.object.spec.nodeName).to.equal('devcluster-node');
    expect(ready(added!.object)).to.equal(false);
    expect(started!.type).to.equal('MODIFIED');
    expect(started!.object.status.phase).to.equal('Running');
    expect(ready(started!.object)).to.equal(true);
  });

  it('starts a pod created on its own at once', async () => {
    const created = await req('POST', PODS, {
      metadata: { name: 'alone-now' },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    expect(created.body.status.phase).to.equal('Running');
    expect(ready(created.body)).to.equal(true);
  });

  it('replaces a deleted pod of a ReplicaSet', async () => {
    const [victim] = await items(PODS, 'app=web');
    await req('DELETE', `${PODS}/${victim.metadata.name}`);
    await until(
      'a replacement',
      5_000,
      async () => {
        const pods = await items(PODS, 'app=web');
        return pods.length === 3 && !pods.some((p) => p.metadata.name === victim.metadata.name);
      },
      10,
    );
    await rolledOut('web', 3);
  });

  it('serves the scale subresource and scales through it', async () => {
    const scale = (await req('GET', `${DEPLOYS}/web/scale`)).body;
    expect(scale).to.deep.include({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
    });
    expect(scale.status).to.deep.equal({ replicas: 3, selector: 'app=web' });
    const patched = await req('PATCH', `${DEPLOYS}/web/scale`, { spec: { replicas: 5 } }, MERGE);
    expect(patched.status).to.equal(200);
    expect(patched.body.spec.replicas).to.equal(5);
    await rolledOut('web', 5);
    expect(await items(PODS, 'app=web')).to.have.length(5);
    const down = await req('PATCH', `${DEPLOYS}/web/scale`, { spec: { replicas: 2 } }, MERGE);
    expect(down.status).to.equal(200);
    await rolledOut('web', 2);
    expect(await items(PODS, 'app=web')).to.have.length(2);
  });

  it('refuses a negative scale', async () => {
    const r = await req('PATCH', `${DEPLOYS}/web/scale`, { spec: { replicas: -1 } }, MERGE);
    expect(r.status).to.equal(400);
  });

  it('lists the scale subresources in discovery with the autoscaling Scale kind', async () => {
    const list = (await req('GET', '/apis/apps/v1')).body.resources;
    const entry = list.find((r: any) => r.name === 'deployments/scale');
    expect(entry).to.include({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(list.find((r: any) => r.name === 'replicasets')).to.deep.include({ shortNames: ['rs'] });
  });

  it('holds a rollout on gated pods and finishes it once their gate is removed', async () => {
    await req('POST', DEPLOYS, deployment('gated', 2));
    await rolledOut('gated', 2);
    const patch = {
      spec: { template: { spec: { schedulingGates: [{ name: 'example.com/gate' }] } } },
    };
    await req('PATCH', `${DEPLOYS}/gated`, patch, MERGE);
    await until(
      'a gated pod',
      5_000,
      async () => (await items(PODS, 'app=gated')).some((p) => p.spec.schedulingGates?.length),
      10,
    );
    await new Promise((r) => setTimeout(r, 100));
    const d = (await req('GET', `${DEPLOYS}/gated`)).body;
    expect(d.status.updatedReplicas).to.equal(1);
    expect(d.status.availableReplicas).to.equal(2);
    expect((await items(RSS, 'app=gated')).map((rs) => rs.spec.replicas).sort()).to.deep.equal([
      1, 2,
    ]);
    for (let i = 0; i < 10; i++) {
      for (const p of await items(PODS, 'app=gated')) {
        if (!p.spec.schedulingGates?.length) continue;
        await req(
          'PATCH',
          `${PODS}/${p.metadata.name}`,
          [{ op: 'remove', path: '/spec/schedulingGates' }],
          {
            'Content-Type': 'application/json-patch+json',
          },
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await rolledOut('gated', 2);
    const pods = await items(PODS, 'app=gated');
    expect(pods).to.have.length(2);
    expect(pods.every(ready)).to.equal(true);
  });

  it('rolls by Recreate: every old pod gone before a new one is made', async () => {
    await req('POST', DEPLOYS, deployment('recreate', 2));
    await req('PATCH', `${DEPLOYS}/recreate`, { spec: { strategy: { type: 'Recreate' } } }, MERGE);
    await rolledOut('recreate', 2);
    const watch = openWatch(f.url, `${PODS}?watch=true&labelSelector=app%3Drecreate`);
    await watch.until(2);
    const image = {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'img:v2' }] } } },
    };
    await req('PATCH', `${DEPLOYS}/recreate`, image, MERGE);
    await rolledOut('recreate', 2);
    watch.stop();
    const live = new Map<string, string>();
    for (const ev of watch.events) {
      const img = ev.object.spec.containers[0].image;
      if (ev.type === 'DELETED') live.delete(ev.object.metadata.name);
      else live.set(ev.object.metadata.name, img);
      const images = new Set(live.values());
      expect(images.size, 'old and new pods at once').to.be.at.most(1);
    }
    expect([...live.values()]).to.deep.equal(['img:v2', 'img:v2']);
  });

  it('keeps no more old ReplicaSets than revisionHistoryLimit', async () => {
    await req('POST', DEPLOYS, deployment('history', 1, {}));
    await req('PATCH', `${DEPLOYS}/history`, { spec: { revisionHistoryLimit: 1 } }, MERGE);
    for (const image of ['v2', 'v3', 'v4']) {
      await req(
        'PATCH',
        `${DEPLOYS}/history`,
        { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } },
        MERGE,
      );
      await rolledOut('history', 1);
    }
    await until(
      'old ReplicaSets cleaned up',
      5_000,
      async () => (await items(RSS, 'app=history')).length === 2,
      10,
    );
  });

  it('deletes the ReplicaSets and pods of a deleted Deployment', async () => {
    expect((await req('DELETE', `${DEPLOYS}/web`)).status).to.equal(200);
    await until(
      'dependents gone',
      5_000,
      async () =>
        (await items(RSS, 'app=web')).length === 0 && (await items(PODS, 'app=web')).length === 0,
      10,
    );
  });

  it('leaves pods without an owner alone', async () => {
    await req('POST', PODS, {
      metadata: { name: 'alone', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    });
    await new Promise((r) => setTimeout(r, 100));
    expect((await req('GET', `${PODS}/alone`)).status).to.equal(200);
  });

  it('lets a namespace with a running Deployment be deleted: no pod is made in it meanwhile', async () => {
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await req('POST', '/apis/apps/v1/namespaces/doomed/deployments', deployment('d', 3));
    await until(
      'rolled out',
      5_000,
      async () => {
        const d = (await req('GET', '/apis/apps/v1/namespaces/doomed/deployments/d')).body;
        return d.status?.availableReplicas === 3;
      },
      10,
    );
    expect((await req('DELETE', '/api/v1/namespaces/doomed')).status).to.equal(200);
    await until(
      'namespace gone',
      5_000,
      async () => (await req('GET', '/api/v1/namespaces/doomed')).status === 404,
      20,
    );
    expect((await req('GET', '/api/v1/namespaces/doomed/pods')).body.items ?? []).to.have.length(0);
  });

  it('names the ReplicaSet anew when its name is taken by one of another template', async () => {
    await req('POST', DEPLOYS, deployment('taken', 1));
    await rolledOut('taken', 1);
    const [first] = await items(RSS, 'app=taken');
    await req('DELETE', `${DEPLOYS}/taken`);
    await until('cleaned up', 5_000, async () => (await items(RSS, 'app=taken')).length === 0, 10);
    // A stranger holds the name the Deployment's ReplicaSet would get.
    const stranger = {
      ...first,
      metadata: { name: first.metadata.name, labels: { app: 'stranger' } },
    };
    stranger.spec = { ...first.spec, replicas: 0 };
    delete stranger.status;
    expect((await req('POST', RSS, stranger)).status).to.equal(201);
    await req('POST', DEPLOYS, deployment('taken', 1));
    await rolledOut('taken', 1);
    const [mine] = (await items(RSS, 'app=taken')).filter((rs) => rs.metadata.ownerReferences);
    expect(mine.metadata.name).to.not.equal(first.metadata.name);
    expect(mine.metadata.name).to.equal(`taken-${mine.metadata.labels['pod-template-hash']}`);
  });
});
