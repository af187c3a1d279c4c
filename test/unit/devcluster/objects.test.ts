import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { call } from '../../support/http-client.js';

const CM = '/api/v1/namespaces/default/configmaps';

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};
const GADGETS = '/apis/example.com/v1/namespaces/default/gadgets';

describe('devcluster objects', () => {
  const f = useDevCluster();
  const req = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(f.url, method, path, body, headers);

  before(async () => {
    expect(
      (await req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD)).status,
    ).to.equal(201);
  });

  it('sets uid, creationTimestamp and a resourceVersion from one global counter', async () => {
    const a = await req('POST', CM, { metadata: { name: 'rv-a' }, data: { x: '1' } });
    const b = await req('POST', CM, { metadata: { name: 'rv-b' } });
    expect(a.status).to.equal(201);
    expect(a.body.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(a.body.metadata.creationTimestamp).to.match(/Z$/);
    expect(Number(b.body.metadata.resourceVersion)).to.be.greaterThan(
      Number(a.body.metadata.resourceVersion),
    );
  });

  it('refuses a create of an existing name with 409 AlreadyExists', async () => {
    await req('POST', CM, { metadata: { name: 'dup' } });
    const r = await req('POST', CM, { metadata: { name: 'dup' } });
    expect(r.status).to.equal(409);
    expect(r.body).to.include({
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
    });
  });

  it('generates a name from generateName', async () => {
    const r = await req('POST', CM, { metadata: { generateName: 'gen-' } });
    expect(r.body.metadata.name).to.match(/^gen-[a-z0-9]{5}$/);
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const created = await req('POST', CM, { metadata: { name: 'stale' }, data: { a: '1' } });
    const ok = await req('PUT', `${CM}/stale`, { ...created.body, data: { a: '2' } });
    expect(ok.status).to.equal(200);
    const stale = await req('PUT', `${CM}/stale`, { ...created.body, data: { a: '3' } });
    expect(stale.status).to.equal(409);
    expect(stale.body.reason).to.equal('Conflict');
    expect(stale.body.message).to.contain('the object has been modified');
  });

  it('bumps generation on spec changes only and lets /status change only status', async () => {
    const c = await req('POST', GADGETS, {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g1' },
      spec: { size: 1 },
      status: { phase: 'Ignored' },
    });
    expect(c.body.metadata.generation).to.equal(1);
    expect(c.body.status).to.equal(undefined);
    const labelled = await req(
      'PATCH',
      `${GADGETS}/g1`,
      { metadata: { labels: { a: 'b' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(labelled.body.metadata.generation).to.equal(1);
    const main = await req(
      'PATCH',
      `${GADGETS}/g1`,
      { spec: { size: 2 }, status: { phase: 'X' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(main.body.metadata.generation).to.equal(2);
    expect(main.body.status).to.equal(undefined);
    const st = await req(
      'PATCH',
      `${GADGETS}/g1/status`,
      { spec: { size: 9 }, status: { phase: 'Ready' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(st.status).to.equal(200);
    expect(st.body.status).to.deep.equal({ phase: 'Ready' });
    expect(st.body.spec).to.deep.equal({ size: 2 });
    expect(st.body.metadata.generation).to.equal(2);
  });

  it('gives generation only to the kinds whose kube-apiserver strategy sets it', async () => {
    const cm = await req('POST', CM, {
      metadata: { name: 'gen-cm', generation: 7 },
      data: { a: '1' },
    });
    // As kube-apiserver: no generation of its own, the client's kept on create, never changed on update.
    expect(cm.body.metadata.generation).to.equal(7);
    const plain = await req('POST', CM, { metadata: { name: 'gen-cm2' }, data: { a: '1' } });
    expect(plain.body.metadata).to.not.have.property('generation');
    const changed = await req(
      'PATCH',
      `${CM}/gen-cm2`,
      { data: { a: '2' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(changed.body.data).to.deep.equal({ a: '2' });
    expect(changed.body.metadata).to.not.have.property('generation');
    const secret = await req('POST', '/api/v1/namespaces/default/secrets', {
      metadata: { name: 'gen-s' },
      stringData: { a: '1' },
    });
    expect(secret.body.metadata).to.not.have.property('generation');
    const ns = await req('POST', '/api/v1/namespaces', { metadata: { name: 'gen-ns' } });
    expect(ns.body.metadata).to.not.have.property('generation');
    const deploy = await req('POST', '/apis/apps/v1/namespaces/default/deployments', {
      metadata: { name: 'gen-d' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      },
    });
    expect(deploy.body.metadata.generation).to.equal(1);
    // Marking an object deleted bumps a generation it has (kube-apiserver's store), none otherwise.
    for (const [path, body] of [
      [GADGETS, { apiVersion: 'example.com/v1', kind: 'Gadget', spec: { size: 1 } }],
      [CM, {}],
    ] as const) {
      const created = await req('POST', path, {
        ...body,
        metadata: { name: 'gen-fin', finalizers: ['example.com/keep'] },
      });
      expect(created.status).to.equal(201);
      const marked = await req('DELETE', `${path}/gen-fin`);
      expect(marked.body.metadata.deletionTimestamp).to.be.a('string');
      if (path === GADGETS) expect(marked.body.metadata.generation).to.equal(2);
      else expect(marked.body.metadata).to.not.have.property('generation');
      await req(
        'PATCH',
        `${path}/gen-fin`,
        { metadata: { finalizers: null } },
        {
          'Content-Type': 'application/merge-patch+json',
        },
      );
    }
  });

  it('answers strategic merge patch on a custom resource with 415', async () => {
    const r = await req(
      'PATCH',
      `${GADGETS}/g1`,
      { spec: { size: 3 } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(r.status).to.equal(415);
    expect(r.body.reason).to.equal('UnsupportedMediaType');
  });

  it('applies JSON patch including test, and refuses a failed test', async () => {
    await req('POST', CM, { metadata: { name: 'jp' }, data: { a: '1' } });
    const ok = await req(
      'PATCH',
      `${CM}/jp`,
      [
        { op: 'test', path: '/data/a', value: '1' },
        { op: 'add', path: '/data/b', value: '2' },
      ],
      { 'Content-Type': 'application/json-patch+json' },
    );
    expect(ok.body.data).to.deep.equal({ a: '1', b: '2' });
    const bad = await req('PATCH', `${CM}/jp`, [{ op: 'test', path: '/data/a', value: 'nope' }], {
      'Content-Type': 'application/json-patch+json',
    });
    expect(bad.status).to.equal(422);
  });

  it('merges lists by name in a strategic merge patch of a pod', async () => {
    await req('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'smp' },
      spec: {
        containers: [
          { name: 'a', image: 'x:1' },
          { name: 'b', image: 'y:1' },
        ],
      },
    });
    const r = await req(
      'PATCH',
      '/api/v1/namespaces/default/pods/smp',
      { spec: { containers: [{ name: 'b', image: 'y:2' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(r.body.spec.containers).to.deep.equal([
      { name: 'a', image: 'x:1' },
      { name: 'b', image: 'y:2' },
    ]);
  });

  it('validates without persisting on dryRun=All', async () => {
    const r = await req('POST', `${CM}?dryRun=All`, { metadata: { name: 'dry' } });
    expect(r.status).to.equal(201);
    expect((await req('GET', `${CM}/dry`)).status).to.equal(404);
  });

  it('honours delete preconditions on uid and resourceVersion', async () => {
    const c = await req('POST', CM, { metadata: { name: 'pre' } });
    const wrong = await req('DELETE', `${CM}/pre`, { preconditions: { uid: 'nope' } });
    expect(wrong.status).to.equal(409);
    const right = await req(
      'DELETE',
      `${CM}/pre?propagationPolicy=Background&gracePeriodSeconds=0`,
      {
        preconditions: {
          uid: c.body.metadata.uid,
          resourceVersion: c.body.metadata.resourceVersion,
        },
      },
    );
    expect(right.status).to.equal(200);
  });

  it('keeps an object with finalizers until an update removes the last one', async () => {
    await req('POST', CM, { metadata: { name: 'fin', finalizers: ['example.com/keep'] } });
    const del = await req('DELETE', `${CM}/fin`);
    expect(del.body.metadata.deletionTimestamp).to.be.a('string');
    expect(del.body.metadata.deletionGracePeriodSeconds).to.equal(0);
    expect((await req('GET', `${CM}/fin`)).status).to.equal(200);
    const gone = await req(
      'PATCH',
      `${CM}/fin`,
      { metadata: { finalizers: null } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(gone.status).to.equal(200);
    expect((await req('GET', `${CM}/fin`)).status).to.equal(404);
  });

  it('terminates a namespace: 403 for new content, then removes its objects and itself', async () => {
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await req('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'c' } });
    const del = await req('DELETE', '/api/v1/namespaces/doomed');
    expect(del.body.status.phase).to.equal('Terminating');
    const refused = await req('POST', '/api/v1/namespaces/doomed/configmaps', {
      metadata: { name: 'late' },
    });
    expect(refused.status).to.equal(403);
    expect(refused.body.message).to.contain('because it is being terminated');
    await new Promise((r) => setTimeout(r, 300));
    expect((await req('GET', '/api/v1/namespaces/doomed/configmaps/c')).status).to.equal(404);
    expect((await req('GET', '/api/v1/namespaces/doomed')).status).to.equal(404);
  });

  it('answers 404 for the namespace when creating in one that does not exist', async () => {
    const r = await req('POST', '/api/v1/namespaces/nowhere/configmaps', {
      metadata: { name: 'x' },
    });
    expect(r.status).to.equal(404);
    expect(r.body.message).to.equal('namespaces "nowhere" not found');
  });

  const errorCases: Array<
    [string, () => Promise<{ status: number; body: { reason: string } }>, number, string]
  > = [
    ['malformed JSON', () => req('POST', CM, '{nope'), 400, 'BadRequest'],
    [
      'a name that is not a DNS subdomain',
      () => req('POST', CM, { metadata: { name: 'Bad_Name' } }),
      422,
      'Invalid',
    ],
    [
      'a namespace name that is not a DNS label',
      () => req('POST', '/api/v1/namespaces', { metadata: { name: 'a.b' } }),
      422,
      'Invalid',
    ],
    [
      'an unknown patch type',
      () => req('PATCH', `${CM}/dup`, '{}', { 'Content-Type': 'text/plain' }),
      415,
      'UnsupportedMediaType',
    ],
    [
      'server-side apply without a fieldManager',
      () => req('PATCH', `${CM}/dup`, 'a: b', { 'Content-Type': 'application/apply-patch+yaml' }),
      422,
      'Invalid',
    ],
    [
      'force on a merge patch',
      () =>
        req('PATCH', `${CM}/dup?force=true`, '{}', {
          'Content-Type': 'application/merge-patch+json',
        }),
      422,
      'Invalid',
    ],
    ['a POST to a named object', () => req('POST', `${CM}/dup`, {}), 405, 'MethodNotAllowed'],
    [
      'a body over the object limit',
      () =>
        req('POST', CM, { metadata: { name: 'big' }, data: { a: 'x'.repeat(2 * 1024 * 1024) } }),
      413,
      'RequestEntityTooLarge',
    ],
    [
      'a body over the request limit',
      () =>
        req('POST', CM, { metadata: { name: 'huge' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } }),
      413,
      'RequestEntityTooLarge',
    ],
    ['a missing object', () => req('GET', `${CM}/missing`), 404, 'NotFound'],
  ];
  for (const [what, send, code, reason] of errorCases) {
    it(`answers ${what} with ${code} ${reason}`, async () => {
      const r = await send();
      expect(r.status).to.equal(code);
      expect(r.body.reason).to.equal(reason);
    });
  }

  it('names metadata.name in the 422 for a bad name', async () => {
    const r = await req('POST', CM, { metadata: { name: 'Bad_Name' } });
    expect(r.body.message).to.match(
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    expect(r.body.details.causes[0].field).to.equal('metadata.name');
  });

  it('accepts YAML bodies', async () => {
    const r = await req('POST', CM, 'metadata:\n  name: from-yaml\ndata:\n  k: v\n', {
      'Content-Type': 'application/yaml',
    });
    expect(r.status).to.equal(201);
    expect(r.body.data).to.deep.equal({ k: 'v' });
  });
});
