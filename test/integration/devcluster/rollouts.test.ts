/* eslint-disable @typescript-eslint/no-explicit-any -- watch events are JSON inspected loosely */
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { call, openWatch } from '../../support/http-client.js';
import { kubectl, KUBECTLS } from '../../support/kubectl.js';

const PODS = '/api/v1/namespaces/default/pods';

/** A Deployment of 3 replicas, default strategy (maxSurge 25% → 1, maxUnavailable 25% → 0). */
const deployment = (name: string, gated = false) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: app, image: "api:v1"}]${gated ? '\n      schedulingGates: [{name: example.com/schema}]' : ''}
`;

const isReady = (p: any): boolean =>
  p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The live and Ready pod counts after each pod event of a watch. */
function timeline(
  events: Array<{ type: string; object: any }>,
): Array<{ live: number; ready: number }> {
  const pods = new Map<string, any>();
  return events.map((ev) => {
    if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name);
    else pods.set(ev.object.metadata.name, ev.object);
    const all = [...pods.values()];
    return { live: all.length, ready: all.filter(isReady).length };
  });
}

describe('Deployments with kubectl: rollout status, set image, scale, undo', function () {
  this.timeout(120_000);
  const f = useDevCluster({ podStartDelayMs: 100 });

  for (const { version, bin } of KUBECTLS) {
    const name = `api-${version.replace('.', '-')}`;
    const k = (args: string[], input?: string) =>
      kubectl(args, {
        kubeconfigPath: f.kubeconfigPath,
        ...(bin ? { bin } : {}),
        ...(input !== undefined ? { input } : {}),
      });
    const pods = async (app = name): Promise<any[]> =>
      (await call(f.url, 'GET', `${PODS}?labelSelector=app%3D${app}`)).body.items;
    const revision = async (): Promise<string> =>
      (
        await k([
          'get',
          'deploy',
          name,
          '-o',
          'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
        ])
      ).stdout;

    it(`kubectl ${version}: a Deployment of 3 gets 3 Ready pods and rollout status returns 0`, async () => {
      const applied = await k(['apply', '-f', '-'], deployment(name));
      expect(applied.code, applied.stderr).to.equal(0);
      const status = await k(['rollout', 'status', `deployment/${name}`, '--timeout=30s']);
      expect(status.code, status.stderr).to.equal(0);
      expect(status.stdout).to.contain(`deployment "${name}" successfully rolled out`);
      const live = await pods();
      expect(live).to.have.length(3);
      expect(live.every(isReady)).to.equal(true);
      const rs = await k(['get', 'rs', '-l', `app=${name}`, '--no-headers']);
      expect(rs.code, rs.stderr).to.equal(0);
      expect(rs.stdout).to.match(new RegExp(`^${name}-\\w+\\s+3\\s+3\\s+3\\s`));
      const described = await k(['describe', 'deployment', name]);
      expect(described.code, described.stderr).to.equal(0);
      expect(described.stdout).to.match(
        new RegExp(`NewReplicaSet:\\s+${name}-\\w+ \\(3/3 replicas created\\)`),
      );
      expect(described.stdout).to.match(/Progressing\s+True\s+NewReplicaSetAvailable/);
    });

    it(`kubectl ${version}: set image rolls out, old pods removed only as new ones become Ready`, async () => {
      const watch = openWatch(f.url, `${PODS}?watch=true&labelSelector=app%3D${name}`);
      await watch.until(3);
      const set = await k(['set', 'image', `deployment/${name}`, 'app=api:v2']);
      expect(set.code, set.stderr).to.equal(0);
      const status = await k(['rollout', 'status', `deployment/${name}`, '--timeout=30s']);
      expect(status.code, status.stderr).to.equal(0);
      watch.stop();
      // The first three events list the pods there were before the change.
      const steps = timeline(watch.events).slice(3);
      expect(steps.length, 'the watch saw the rollout').to.be.greaterThan(6);
      for (const s of steps) {
        expect(s.ready, JSON.stringify(steps)).to.be.at.least(3);
        expect(s.live, JSON.stringify(steps)).to.be.at.most(4);
      }
      const live = await pods();
      expect(live.map((p) => p.spec.containers[0].image)).to.deep.equal([
        'api:v2',
        'api:v2',
        'api:v2',
      ]);
      expect(await revision()).to.equal('2');
    });

    it(`kubectl ${version}: scale --replicas=5 makes 5 Ready pods`, async () => {
      const scaled = await k(['scale', `deployment/${name}`, '--replicas=5']);
      expect(scaled.code, scaled.stderr).to.equal(0);
      const status = await k(['rollout', 'status', `deployment/${name}`, '--timeout=30s']);
      expect(status.code, status.stderr).to.equal(0);
      const live = await pods();
      expect(live).to.have.length(5);
      expect(live.every(isReady)).to.equal(true);
    });

    it(`kubectl ${version}: rollout undo returns to the old template at a new revision`, async () => {
      const undo = await k(['rollout', 'undo', `deployment/${name}`]);
      expect(undo.code, undo.stderr).to.equal(0);
      const status = await k(['rollout', 'status', `deployment/${name}`, '--timeout=30s']);
      expect(status.code, status.stderr).to.equal(0);
      const live = await pods();
      expect(live).to.have.length(5);
      expect(new Set(live.map((p) => p.spec.containers[0].image))).to.deep.equal(
        new Set(['api:v1']),
      );
      expect(await revision()).to.equal('3');
      const rs = await k(['get', 'rs', '-l', `app=${name}`, '--no-headers']);
      expect(rs.stdout.trim().split('\n'), 'the old ReplicaSet is reused').to.have.length(2);
    });

    it(`kubectl ${version}: a gated template holds the rollout until the gates are removed`, async () => {
      const gated = `${name}-gated`;
      await k(['apply', '-f', '-'], deployment(gated, true));
      const waiting = await k(['rollout', 'status', `deployment/${gated}`, '--timeout=1s']);
      expect(waiting.code, 'rollout status is not done while pods are gated').to.not.equal(0);
      const held = await pods(gated);
      expect(held).to.have.length(3);
      for (const p of held) {
        expect(p.status.phase).to.equal('Pending');
        expect(p.status.conditions[0]).to.include({
          type: 'PodScheduled',
          reason: 'SchedulingGated',
        });
      }
      for (const p of held) {
        const r = await k([
          'patch',
          'pod',
          p.metadata.name,
          '--type=json',
          '-p',
          '[{"op":"remove","path":"/spec/schedulingGates"}]',
        ]);
        expect(r.code, r.stderr).to.equal(0);
      }
      const done = await k(['rollout', 'status', `deployment/${gated}`, '--timeout=30s']);
      expect(done.code, done.stderr).to.equal(0);
    });

    it(`kubectl ${version}: deleting a Deployment removes its ReplicaSets and pods`, async () => {
      for (const d of [name, `${name}-gated`]) {
        const r = await k(['delete', 'deployment', d]);
        expect(r.code, r.stderr).to.equal(0);
      }
      const deadline = Date.now() + 10_000;
      while ((await pods()).length + (await pods(`${name}-gated`)).length > 0) {
        if (Date.now() > deadline) throw new Error('pods left behind');
        await new Promise((r) => setTimeout(r, 50));
      }
      const rs = await k(['get', 'rs', '-l', `app in (${name},${name}-gated)`, '-o', 'name']);
      expect(rs.code, rs.stderr).to.equal(0);
      expect(rs.stdout.trim()).to.equal('');
    });
  }

  it('@kubernetes/client-node reads a rolled-out Deployment, its ReplicaSet and its Scale', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.kubeconfigPath);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: k8s.loadYaml<k8s.V1Deployment>(deployment('typed')),
    });
    const deadline = Date.now() + 10_000;
    let d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'typed' });
    while (d.status?.availableReplicas !== 3) {
      if (Date.now() > deadline) throw new Error(`not rolled out: ${JSON.stringify(d.status)}`);
      await new Promise((r) => setTimeout(r, 50));
      d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'typed' });
    }
    expect(d.status?.observedGeneration).to.equal(d.metadata?.generation);
    const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing?.reason).to.equal('NewReplicaSetAvailable');
    const rss = await apps.listNamespacedReplicaSet({
      namespace: 'default',
      labelSelector: 'app=typed',
    });
    expect(rss.items).to.have.length(1);
    expect(rss.items[0]!.status?.readyReplicas).to.equal(3);
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'typed' });
    expect(scale.spec?.replicas).to.equal(3);
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'typed' });
  });
});
