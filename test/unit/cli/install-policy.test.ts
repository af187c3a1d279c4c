/**
 * The admission policy the install ships (manifests/admission-policy.yaml,
 * the same as the chart's), enforced by the devcluster: what the operator's
 * ServiceAccount may still do to pods, namespaces and what an
 * OrganizationClass manages (install-policy-rows.ts), and that the admin is
 * not restricted. Each row is one request; the operator's own requests (the
 * pod gate's JSON patch, the organization controller's namespace writes, a
 * class's objects and namespace labels) are among the allowed ones.
 */
import { expect } from 'chai';
import {
  installAdmissionPolicy,
  loadAdmissionPolicy,
  OPERATOR_USERNAME,
} from '../../../src/cli/install-policy.js';
import { startDevCluster, type DevCluster } from '../../../src/devcluster/index.js';
import { clientFor, KubeTransport, kubeConfig, type KubeClient } from '../../../src/kube/index.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, tokenOf } from '../../support/http-client.js';
import {
  CLASS_ROWS,
  classFixtures,
  MERGE_PATCH,
  type Request,
  type Row,
} from './install-policy-rows.js';

const GATE = 'schema.streamspace.io/ready';
const JSON_PATCH = 'application/json-patch+json';

const pod = (name: string, gates: string[]) => ({
  metadata: {
    name,
    labels: { app: 'api' },
    annotations: { 'schema.streamspace.io/migration': 'api' },
  },
  spec: {
    schedulingGates: gates.map((g) => ({ name: g })),
    containers: [{ name: 'api', image: 'api:1' }],
  },
});
const podPath = (name: string) => `/api/v1/namespaces/apps/pods/${name}`;
const nsPath = (name: string) => `/api/v1/namespaces/${name}`;
const removeGate = (index: number, gates: string[]): Request => ({
  method: 'PATCH',
  type: JSON_PATCH,
  body: [
    { op: 'test', path: '/spec/schedulingGates', value: gates.map((name) => ({ name })) },
    { op: 'remove', path: `/spec/schedulingGates/${index}` },
  ],
  path: '',
});
const created = (name: string, more: Record<string, string> = {}) => ({
  metadata: {
    name,
    labels: { 'app.kubernetes.io/managed-by': 'schema-operator' } as Record<string, string>,
    annotations: {
      'schema.streamspace.io/organization': name,
      'schema.streamspace.io/organization-uid': 'u1',
      ...more,
    },
  },
});

const ROWS: Row[] = [
  [
    'removing our own gate (the pod gate’s patch)',
    { ...removeGate(0, [GATE, 'other']), path: podPath('p1') },
    true,
  ],
  ['removing another gate', { ...removeGate(1, [GATE, 'other']), path: podPath('p2') }, false],
  [
    'changing the image',
    {
      method: 'PATCH',
      type: JSON_PATCH,
      path: podPath('p3'),
      body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'evil:1' }],
    },
    false,
  ],
  [
    'removing our gate and changing the image in one patch',
    {
      method: 'PATCH',
      type: JSON_PATCH,
      path: podPath('p4'),
      body: [
        { op: 'remove', path: '/spec/schedulingGates/0' },
        { op: 'replace', path: '/spec/containers/0/image', value: 'evil:1' },
      ],
    },
    false,
  ],
  [
    'removing our gate and relabelling the pod',
    {
      method: 'PATCH',
      type: JSON_PATCH,
      path: podPath('p5'),
      body: [
        { op: 'remove', path: '/spec/schedulingGates/0' },
        { op: 'replace', path: '/metadata/labels/app', value: 'payments' },
      ],
    },
    false,
  ],
  [
    'adding a toleration',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: podPath('p6'),
      body: { spec: { tolerations: [{ operator: 'Exists' }] } },
    },
    false,
  ],
  ['deleting a pod', { method: 'DELETE', path: podPath('p7') }, false],
  [
    'creating a pod',
    { method: 'POST', path: '/api/v1/namespaces/apps/pods', body: pod('fresh', []) },
    false,
  ],
  [
    'writing pod status',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: `${podPath('p9')}/status`,
      body: { status: { phase: 'Running' } },
    },
    false,
  ],
  // Before the deletions below, which the admin's run makes too.
  ...CLASS_ROWS,
  [
    'applying an OrganizationClass to an Organization’s namespace (Pod Security, its labels)',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-b'),
      body: {
        metadata: {
          labels: {
            'pod-security.kubernetes.io/enforce': 'baseline',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'streamspace.io/tier': 'standard',
          },
          annotations: { 'scheduler.alpha.kubernetes.io/node-selector': 'pool=sessions' },
        },
      },
    },
    true,
  ],
  [
    'applying a class to an adopted namespace',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-adopted'),
      body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    },
    true,
  ],
  [
    'adopting a namespace and setting its Pod Security in the same request',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('apps'),
      body: {
        metadata: {
          labels: { 'pod-security.kubernetes.io/enforce': 'privileged' },
          annotations: { 'schema.streamspace.io/organization': 'apps' },
        },
      },
    },
    false,
  ],
  [
    'setting Pod Security on the shared namespace (no Organization’s)',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('streamspace'),
      body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } },
    },
    false,
  ],
  [
    'putting a finalizer on an Organization’s namespace',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-b'),
      body: { metadata: { finalizers: ['example.com/hold'] } },
    },
    false,
  ],
  [
    'deleting a namespace it created for an Organization',
    { method: 'DELETE', path: nsPath('org-a') },
    true,
  ],
  ['deleting an adopted namespace', { method: 'DELETE', path: nsPath('org-adopted') }, false],
  [
    'deleting the shared namespace it created',
    { method: 'DELETE', path: nsPath('streamspace') },
    false,
  ],
  ['deleting a namespace it did not create', { method: 'DELETE', path: nsPath('apps') }, false],
  ['deleting kube-system', { method: 'DELETE', path: nsPath('kube-system') }, false],
  [
    'suspending an org namespace (its label)',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-b'),
      body: { metadata: { labels: { 'schema.streamspace.io/suspended': 'true' } } },
    },
    true,
  ],
  [
    'adopting a namespace (annotations)',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('team'),
      body: {
        metadata: {
          annotations: {
            'schema.streamspace.io/organization': 'team',
            'schema.streamspace.io/adopted': 'true',
          },
        },
      },
    },
    true,
  ],
  [
    'marking a namespace it did not create as its own',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('kube-public'),
      body: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'schema-operator' } } },
    },
    false,
  ],
  [
    'giving the shared namespace an organization',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('streamspace'),
      body: { metadata: { annotations: { 'schema.streamspace.io/organization': 'x' } } },
    },
    false,
  ],
  [
    'dropping `adopted` from an adopted namespace',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-adopted'),
      body: { metadata: { annotations: { 'schema.streamspace.io/adopted': null } } },
    },
    false,
  ],
  [
    'lowering the Pod Security level of a namespace no Organization has',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('apps'),
      body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } },
    },
    false,
  ],
  [
    'raising a namespace’s Pod Security level to what an OrganizationClass asks',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('team'),
      body: {
        metadata: {
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
    },
    true,
  ],
  [
    'lowering a restricted namespace to baseline',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('strict'),
      body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
    },
    false,
  ],
  [
    'removing a namespace’s Pod Security level',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('strict'),
      body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': null } } },
    },
    false,
  ],
  [
    'putting an ownerReference on a namespace',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-b'),
      body: {
        metadata: {
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' }],
        },
      },
    },
    false,
  ],
  [
    'moving a namespace it created to another Organization',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-b'),
      body: { metadata: { annotations: { 'schema.streamspace.io/organization': 'other' } } },
    },
    false,
  ],
  [
    'deleting a namespace carrying only the created-by label (and the org annotations)',
    { method: 'DELETE', path: nsPath('org-c') },
    true,
  ],
  [
    'adding the created-by label by a patch',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('team'),
      body: { metadata: { labels: { 'schema.streamspace.io/created-by': 'schema-operator' } } },
    },
    false,
  ],
  [
    'removing the created-by label (adoption by another Organization object)',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: nsPath('org-d'),
      body: {
        metadata: {
          labels: { 'schema.streamspace.io/created-by': null },
          annotations: {
            'schema.streamspace.io/adopted': 'true',
            'schema.streamspace.io/organization-uid': 'u2',
          },
        },
      },
    },
    true,
  ],
];

describe('the shipped admission policy (manifests/admission-policy.yaml)', () => {
  let dc: DevCluster;
  let admin: KubeClient;
  let dir: string;
  const send = (r: Request, headers: Record<string, string>) =>
    call(dc.url, r.method, r.path, r.body, {
      ...(r.type ? { 'Content-Type': r.type } : {}),
      ...headers,
    });

  /** Fresh fixtures: the pods and namespaces the rows act on. */
  async function fixtures(): Promise<void> {
    await dc?.stop();
    dc = await startDevCluster({ users: [{ name: 'operator', username: OPERATOR_USERNAME }] });
    writeFileSync(join(dir, 'config'), dc.kubeconfig());
    admin = clientFor(new KubeTransport(kubeConfig({ kubeconfigPath: join(dir, 'config') })));
    await installAdmissionPolicy(admin);
    const a = (method: string, path: string, body: unknown) => call(dc.url, method, path, body);
    for (const ns of ['apps', 'team', 'org-a', 'org-b']) {
      const body = ns.startsWith('org-') ? created(ns) : { metadata: { name: ns } };
      expect((await a('POST', '/api/v1/namespaces', body)).status).to.equal(201);
    }
    await a('POST', '/api/v1/namespaces', {
      metadata: { name: 'strict', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    await a(
      'POST',
      '/api/v1/namespaces',
      created('org-adopted', { 'schema.streamspace.io/adopted': 'true' }),
    );
    // As the Organization controller labels a namespace it creates (created-by, set only then).
    for (const name of ['org-c', 'org-d']) {
      const byLabel = created(name);
      byLabel.metadata.labels = { 'schema.streamspace.io/created-by': 'schema-operator' };
      expect((await a('POST', '/api/v1/namespaces', byLabel)).status).to.equal(201);
    }
    await a('POST', '/api/v1/namespaces', {
      metadata: {
        name: 'streamspace',
        labels: { 'app.kubernetes.io/managed-by': 'schema-operator' },
      },
    });
    await classFixtures(a);
    for (let i = 1; i <= 9; i++)
      expect(
        (await a('POST', '/api/v1/namespaces/apps/pods', pod(`p${i}`, [GATE, 'other']))).status,
      ).to.equal(201);
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-test-'));
  });
  after(async () => {
    await dc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the kustomize base’s ServiceAccount in its match condition', async () => {
    const docs = await loadAdmissionPolicy();
    expect(JSON.stringify(docs[0]!.spec)).to.include(`'${OPERATOR_USERNAME}'`);
  });

  describe('for the operator’s ServiceAccount', () => {
    before(fixtures);
    for (const [what, request, allowed] of ROWS) {
      it(`${allowed ? 'allows' : 'refuses'} ${what}`, async () => {
        const r = await send(request, { Authorization: `Bearer ${tokenOf(dc, 'operator')}` });
        if (allowed) expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201]);
        else {
          expect(r.status, JSON.stringify(r.body)).to.equal(403);
          expect(r.body.message).to.include(
            "ValidatingAdmissionPolicy 'schema-operator' with binding 'schema-operator' denied request",
          );
        }
      });
    }
  });

  describe('for the admin', () => {
    before(fixtures);
    for (const [what, request] of ROWS) {
      it(`allows ${what}`, async () => {
        const r = await send(request, {});
        expect(r.status, JSON.stringify(r.body)).to.be.oneOf([200, 201]);
      });
    }
  });
});
