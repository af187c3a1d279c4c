import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { API_VERSION } from '../../../src/api/index.js';
import {
  connect,
  eventResource,
  KubeEventRecorder,
  type EventSubject,
} from '../../../src/kube/index.js';
import { useDevCluster } from '../../support/devcluster.js';
import { kubectl, KUBECTLS } from '../../support/kubectl.js';
import { http, installCrds } from '../../support/spawned.js';

const NS = 'order';

/** Reasons in the order they are recorded; two share a millisecond. */
const STEPS = ['Pending', 'Started', 'Applied', 'Verified', 'Succeeded'];

describe('Events listed in the order they happened', function () {
  this.timeout(60_000);
  const f = useDevCluster();

  before(async () => {
    await installCrds(f.url);
    await http(`${f.url}/api/v1/namespaces`, {
      method: 'POST',
      body: JSON.stringify({ metadata: { name: NS } }),
    });
    const created = await http(
      `${f.url}/apis/schema.streamspace.io/v1alpha1/namespaces/${NS}/schemamigrations`,
      {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: API_VERSION,
          kind: 'SchemaMigration',
          metadata: { name: 'api' },
          spec: { database: { urlSecretRef: { name: 'db' } }, source: { bundled: 'streamspace' } },
        }),
      },
    );
    expect(created.status, created.text).to.equal(201);
    // Times as they pass, but Applied and Verified in the same millisecond.
    const t = Date.now() - 60_000;
    const times = [0, 1500, 3000, 3000, 4000];
    let i = 0;
    const recorder = new KubeEventRecorder({
      client: connect({ kubeconfigPath: f.kubeconfigPath }).resource(eventResource),
      instance: 'operator-0',
      clock: {
        now: () => t + times[i]!,
        setTimer: () => ({ cancel: () => undefined }),
        sleep: () => Promise.resolve(),
      },
    });
    for (; i < STEPS.length; i++)
      await recorder.record(created.body as EventSubject, 'Normal', STEPS[i]!, `step ${i}`);
  });

  it('names events <object>.<hex nanoseconds>, as client-go does', async () => {
    const r = await http(`${f.url}/apis/events.k8s.io/v1/namespaces/${NS}/events`);
    const names = (r.body as { items: Array<{ metadata: { name: string } }> }).items.map(
      (e) => e.metadata.name,
    );
    expect(names).to.have.length(STEPS.length);
    for (const n of names) expect(n).to.match(/^api\.[0-9a-f]{15,16}$/);
  });

  it('lists in key order, as kube-apiserver reads etcd, whatever the creation order', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    for (const name of ['b', 'a-b', 'c', 'a'])
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name } } });
    const list = await core.listNamespacedConfigMap({ namespace: NS });
    expect(list.items.map((c) => c.metadata?.name)).to.deep.equal(['a', 'a-b', 'b', 'c']);
    const all = await core.listConfigMapForAllNamespaces();
    const keys = all.items.map((c) => `${c.metadata?.namespace}/${c.metadata?.name}`);
    expect(keys).to.deep.equal([...keys].sort());
    // A watch without a resourceVersion starts with the same objects, in the same order.
    const names: string[] = [];
    let started: Promise<AbortController> | undefined;
    await new Promise<void>((resolve, reject) => {
      started = new k8s.Watch(kc).watch(
        `/api/v1/namespaces/${NS}/configmaps`,
        {},
        (type: string, obj: k8s.V1ConfigMap) => {
          names.push(`${type} ${obj.metadata?.name}`);
          if (names.length === 4) resolve();
        },
        (err: unknown) => (err ? reject(err as Error) : undefined),
      );
    });
    (await started!).abort();
    expect(names).to.deep.equal(['ADDED a', 'ADDED a-b', 'ADDED b', 'ADDED c']);
  });

  for (const { version, bin } of KUBECTLS) {
    const k = (args: string[]) =>
      kubectl(args, { kubeconfigPath: f.kubeconfigPath, ...(bin ? { bin } : {}) });
    const reasons = (out: string) =>
      out.split('\n').flatMap((l) => STEPS.filter((s) => new RegExp(`\\s${s}\\s`).test(l)));

    it(`kubectl ${version} get events lists them in the order they happened`, async () => {
      const r = await k(['get', 'events', '-n', NS]);
      expect(r.code, r.stderr).to.equal(0);
      expect(reasons(r.stdout)).to.deep.equal(STEPS);
    });

    it(`kubectl ${version} describe smig lists them in the order they happened`, async () => {
      const r = await k(['describe', 'smig/api', '-n', NS]);
      expect(r.code, r.stderr).to.equal(0);
      expect(reasons(r.stdout.slice(r.stdout.indexOf('Events:')))).to.deep.equal(STEPS);
    });
  }
});
