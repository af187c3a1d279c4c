import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { kubectl as run } from '../../support/kubectl.js';

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, default: blue}
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

const widget = (name: string, spec: string): string =>
  `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: ${name}, namespace: default}\nspec: ${spec}\n`;

describe('devcluster with kubectl 1.33', function () {
  this.timeout(120_000);
  const f = useDevCluster();
  const kubectl = (args: string[], input?: string) =>
    run(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });

  it('answers get --raw /version', async () => {
    const r = await kubectl(['get', '--raw', '/version']);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.include({ major: '1', minor: '33' });
  });

  it('applies a CRD and then a custom resource, and applies a change as a patch', async () => {
    const crd = await kubectl(['apply', '-f', '-'], CRD);
    expect(crd.code, crd.stderr).to.equal(0);
    expect(crd.stdout).to.contain(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created',
    );
    const created = await kubectl(['apply', '-f', '-'], widget('w1', '{size: 3}'));
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain('widget.example.com/w1 created');
    const changed = await kubectl(['apply', '-f', '-'], widget('w1', '{size: 4}'));
    expect(changed.stdout).to.contain('widget.example.com/w1 configured');
    const yaml = await kubectl(['get', 'widget', 'w1', '-o', 'yaml']);
    expect(yaml.stdout)
      .to.contain('size: 4')
      .and.contain('color: blue')
      .and.contain('generation: 2');
  });

  it('prints the CRD printer columns in get', async () => {
    const r = await kubectl(['get', 'widgets']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n')[0]).to.match(/^NAME\s+SIZE\s+READY\s+AGE$/);
    expect(r.stdout).to.match(/w1\s+4\s+\S+/);
  });

  it('keeps the printer columns in every line of get -w', async () => {
    const watching = kubectl(['get', 'widgets', '-w', '--request-timeout=4s']);
    await new Promise((r) => setTimeout(r, 1500));
    const patched = await kubectl([
      'patch',
      'widget',
      'w1',
      '--type=merge',
      '-p',
      '{"spec":{"size":5}}',
    ]);
    expect(patched.code, patched.stderr).to.equal(0);
    const r = await watching;
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^NAME\s+SIZE\s+READY\s+AGE$/);
    expect(lines.slice(1), r.stdout).to.have.length(2);
    expect(lines[1]).to.match(/^w1\s+4\s+.*\d+[smh]$/);
    expect(lines[2]).to.match(/^w1\s+5\s+.*\d+[smh]$/);
    await kubectl(['patch', 'widget', 'w1', '--type=merge', '-p', '{"spec":{"size":4}}']);
  });

  it('waits for a condition set through the status subresource', async () => {
    const wait = kubectl(['wait', '--for=condition=Ready', 'widget/w1', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 500));
    const patch = await kubectl([
      'patch',
      'widget',
      'w1',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}',
    ]);
    expect(patch.code, patch.stderr).to.equal(0);
    const r = await wait;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('widget.example.com/w1 condition met');
  });

  it('patches with --type=merge and --type=json', async () => {
    const merge = await kubectl([
      'patch',
      'widget',
      'w1',
      '--type=merge',
      '-p',
      '{"spec":{"size":7}}',
    ]);
    expect(merge.code, merge.stderr).to.equal(0);
    const json = await kubectl([
      'patch',
      'widget',
      'w1',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/size","value":8}]',
    ]);
    expect(json.code, json.stderr).to.equal(0);
    const size = await kubectl(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.size}']);
    expect(size.stdout).to.equal('8');
  });

  it('refuses a bad custom resource with the 422 message', async () => {
    const r = await kubectl(['apply', '-f', '-'], widget('bad', '{size: 0}'));
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'The Widget "bad" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
    );
  });

  it('deletes an object, waiting until it is gone', async () => {
    await kubectl(['apply', '-f', '-'], widget('w2', '{size: 1}'));
    const r = await kubectl(['delete', 'widget', 'w2']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('widget.example.com "w2" deleted');
    expect((await kubectl(['get', 'widget', 'w2'])).stderr).to.contain('NotFound');
  });

  it('deletes an object with a finalizer once the finalizer is removed', async () => {
    const withFinalizer = widget('w3', '{size: 1}').replace(
      'namespace: default}',
      'namespace: default, finalizers: [example.com/hold]}',
    );
    expect((await kubectl(['apply', '-f', '-'], withFinalizer)).code).to.equal(0);
    const del = await kubectl(['delete', 'widget', 'w3', '--wait=false']);
    expect(del.code, del.stderr).to.equal(0);
    const ts = await kubectl([
      'get',
      'widget',
      'w3',
      '-o',
      'jsonpath={.metadata.deletionTimestamp}',
    ]);
    expect(ts.stdout).to.match(/Z$/);
    const unblock = await kubectl([
      'patch',
      'widget',
      'w3',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
    expect(unblock.code, unblock.stderr).to.equal(0);
    expect((await kubectl(['get', 'widget', 'w3'])).stderr).to.contain('NotFound');
  });

  it('applies a namespace, a configmap and a secret, and re-applies them with changes', async () => {
    const docs = (v: string) => `apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: demo}
data: {mode: "${v}"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: demo}
stringData: {password: "${v}"}
`;
    const first = await kubectl(['apply', '-f', '-'], docs('a'));
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout)
      .to.contain('namespace/demo created')
      .and.contain('configmap/settings created')
      .and.contain('secret/creds created');
    const second = await kubectl(['apply', '-f', '-'], docs('b'));
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('configmap/settings configured');
    const mode = await kubectl([
      'get',
      'configmap',
      'settings',
      '-n',
      'demo',
      '-o',
      'jsonpath={.data.mode}',
    ]);
    expect(mode.stdout).to.equal('b');
    const pw = await kubectl([
      'get',
      'secret',
      'creds',
      '-n',
      'demo',
      '-o',
      'jsonpath={.data.password}',
    ]);
    expect(Buffer.from(pw.stdout, 'base64').toString()).to.equal('b');
    const table = await kubectl(['get', 'configmaps,secrets', '-n', 'demo']);
    expect(table.stdout)
      .to.match(/configmap\/settings\s+1\s+/)
      .and.match(/secret\/creds\s+Opaque\s+1\s+/);
  });
});
