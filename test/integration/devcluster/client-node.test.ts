import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';

const CRD: k8s.V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gizmos.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
      },
    ],
  },
};

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('devcluster with @kubernetes/client-node', () => {
  const f = useDevCluster({ bookmarkIntervalMs: 200 });
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;

  before(async () => {
    kc = new k8s.KubeConfig();
    kc.loadFromFile(f.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await kc.makeApiClient(k8s.ApiextensionsV1Api).createCustomResourceDefinition({ body: CRD });
  });

  it('creates, reads, lists, patches and deletes with CoreV1Api', async () => {
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'typed', labels: { app: 'x' } }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).to.be.a('string');
    const read = await core.readNamespacedConfigMap({ name: 'typed', namespace: 'default' });
    expect(read.data).to.deep.equal({ a: '1' });
    const list = await core.listNamespacedConfigMap({
      namespace: 'default',
      labelSelector: 'app in (x,y)',
    });
    expect(list.items.map((i) => i.metadata?.name)).to.deep.equal(['typed']);
    expect(list.metadata?.resourceVersion).to.match(/^\d+$/);
    const patched = await core.patchNamespacedConfigMap({
      name: 'typed',
      namespace: 'default',
      body: [{ op: 'replace', path: '/data/a', value: '2' }],
    });
    expect(patched.data).to.deep.equal({ a: '2' });
    await core.deleteNamespacedConfigMap({ name: 'typed', namespace: 'default' });
    const err = await core
      .readNamespacedConfigMap({ name: 'typed', namespace: 'default' })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<unknown>).code).to.equal(404);
  });

  it('patches a custom resource status with a merge patch through CustomObjectsApi', async () => {
    const base = { group: 'example.com', version: 'v1', namespace: 'default', plural: 'gizmos' };
    await custom.createNamespacedCustomObject({
      ...base,
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Gizmo',
        metadata: { name: 'g1' },
        spec: { n: 1 },
      },
    });
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const patched = (await custom.patchNamespacedCustomObjectStatus(
      { ...base, name: 'g1', body: { status: { phase: 'Ready' } } },
      merge,
    )) as { status: unknown; metadata: { generation: number } };
    expect(patched.status).to.deep.equal({ phase: 'Ready' });
    expect(patched.metadata.generation).to.equal(1);
  });

  it('feeds an informer ADD, UPDATE and DELETE events', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const seen: string[] = [];
    informer.on('add', (o) => o.metadata?.name === 'inf' && seen.push('add'));
    informer.on('update', (o) => o.metadata?.name === 'inf' && seen.push('update'));
    informer.on('delete', (o) => o.metadata?.name === 'inf' && seen.push('delete'));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'inf' } },
      });
      await core.patchNamespacedConfigMap(
        { name: 'inf', namespace: 'default', body: { data: { b: '1' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: 'inf', namespace: 'default' });
      await eventually(() => seen.length >= 3);
      expect(seen).to.deep.equal(['add', 'update', 'delete']);
    } finally {
      await informer.stop();
    }
  });

  it('resumes a Watch from a resourceVersion and gets 410 after compactHistory', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'resume' } },
    });
    const watch = new k8s.Watch(kc);
    const events: string[] = [];
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: rv, allowWatchBookmarks: true },
      (type, obj: k8s.V1ConfigMap) => events.push(`${type} ${obj.metadata?.name ?? ''}`),
      () => undefined,
    );
    await eventually(
      () => events.includes('ADDED resume') && events.some((e) => e.startsWith('BOOKMARK')),
    );
    req.abort();

    f.dc.faults.compactHistory();
    let gone: unknown;
    const errors: string[] = [];
    await new Promise<void>((resolve) => {
      void watch.watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: rv },
        (type, obj: { code?: number }) => {
          if (type === 'ERROR') gone = obj.code;
        },
        (err: unknown) => {
          if (err) errors.push(String(err));
          resolve();
        },
      );
    });
    expect(gone).to.equal(410);
  });
});
