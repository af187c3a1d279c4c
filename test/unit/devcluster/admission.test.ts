/**
 * ValidatingAdmissionPolicy enforcement in the devcluster: who a request is
 * (bearer tokens the server issued, the admin without one), which requests a
 * policy and its binding match, and how matchConditions, variables,
 * validations, failurePolicy and validationActions decide.
 */
import { expect } from 'chai';
import { parse } from 'yaml';
import { startDevCluster, type DevCluster } from '../../../src/devcluster/index.js';
import { call, tokenOf } from '../../support/http-client.js';

const VAP = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
const BINDINGS = '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';
const ALICE = 'system:serviceaccount:team:alice';

describe('devcluster admission policies', () => {
  let dc: DevCluster;
  let alice: Record<string, string>;
  const as = (method: string, path: string, body?: unknown, headers = alice) =>
    call(dc.url, method, path, body, headers);
  const admin = (method: string, path: string, body?: unknown) => call(dc.url, method, path, body);

  /** Installs a policy (spec) with a binding of the same name; returns its name. */
  let policies = 0;
  async function policy(spec: object, binding: object = {}): Promise<string> {
    const name = `p${++policies}`;
    expect((await admin('POST', VAP, { metadata: { name }, spec })).status).to.equal(201);
    const b = {
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'], ...binding },
    };
    expect((await admin('POST', BINDINGS, b)).status).to.equal(201);
    return name;
  }
  const configMaps = {
    apiGroups: [''],
    apiVersions: ['v1'],
    operations: ['*'],
    resources: ['configmaps'],
  };
  const cm = (
    name: string,
    data: Record<string, string> = {},
    labels: Record<string, string> = {},
  ) => ({
    metadata: { name, labels },
    data,
  });

  before(async () => {
    dc = await startDevCluster({ users: [{ name: 'alice', username: ALICE }] });
    alice = { Authorization: `Bearer ${tokenOf(dc, 'alice')}` };
  });
  after(() => dc.stop());
  afterEach(async () => {
    for (let i = 1; i <= policies; i++) {
      await admin('DELETE', `${BINDINGS}/p${i}`);
      await admin('DELETE', `${VAP}/p${i}`);
    }
    await admin('DELETE', '/api/v1/namespaces/default/configmaps');
  });

  it('refuses a bearer token it did not issue with 401, and takes a request without one as the admin', async () => {
    const bad = await as('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer nope' });
    expect(bad.status).to.equal(401);
    expect(bad.body.reason).to.equal('Unauthorized');
    expect((await admin('GET', '/api/v1/namespaces')).status).to.equal(200);
    expect((await as('GET', '/api/v1/namespaces')).status).to.equal(200);
  });

  it("takes a request on a user's own port as that user, without a token (kubectl sends none over http)", async () => {
    await policy({
      matchConstraints: { resourceRules: [configMaps] },
      matchConditions: [{ name: 'alice', expression: `request.userInfo.username == '${ALICE}'` }],
      validations: [{ expression: 'false', message: 'not alice', reason: 'Forbidden' }],
    });
    const server = (
      parse(dc.kubeconfig({ user: 'alice' })) as {
        clusters: Array<{ cluster: { server: string } }>;
      }
    ).clusters[0]!.cluster.server;
    expect(server).to.not.equal(dc.url);
    const r = await call(server, 'POST', '/api/v1/namespaces/default/configmaps', cm('a'));
    expect(r.status).to.equal(403);
    const wrong = await call(server, 'GET', '/api/v1/namespaces', undefined, {
      Authorization: 'Bearer nope',
    });
    expect(wrong.status).to.equal(401);
    expect((await admin('POST', '/api/v1/namespaces/default/configmaps', cm('b'))).status).to.equal(
      201,
    );
  });

  it("denies what a validation refuses, in kube-apiserver's words, for the user its matchCondition names only", async () => {
    const name = await policy({
      matchConstraints: { resourceRules: [configMaps] },
      matchConditions: [{ name: 'alice', expression: `request.userInfo.username == '${ALICE}'` }],
      validations: [
        { expression: '!has(object.data.secret)', message: 'no secrets here', reason: 'Forbidden' },
      ],
    });
    const refused = await as(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      cm('a', { secret: 'x' }),
    );
    expect(refused.status).to.equal(403);
    expect(refused.body.reason).to.equal('Forbidden');
    expect(refused.body.message).to.equal(
      `configmaps "a" is forbidden: ValidatingAdmissionPolicy '${name}' with binding '${name}' denied request: no secrets here`,
    );
    expect((await as('POST', '/api/v1/namespaces/default/configmaps', cm('b'))).status).to.equal(
      201,
    );
    expect(
      (await admin('POST', '/api/v1/namespaces/default/configmaps', cm('c', { secret: 'x' })))
        .status,
    ).to.equal(201);
  });

  it('gives object, oldObject and request.operation on update and delete, and 422 for reason Invalid', async () => {
    await policy({
      matchConstraints: { resourceRules: [configMaps] },
      validations: [
        {
          expression: "request.operation != 'UPDATE' || object.data.v > oldObject.data.v",
          messageExpression: "'v must grow past ' + oldObject.data.v",
        },
        {
          expression:
            "request.operation != 'DELETE' || (object == null && oldObject.data.v == '9')",
        },
      ],
    });
    expect(
      (await as('POST', '/api/v1/namespaces/default/configmaps', cm('a', { v: '5' }))).status,
    ).to.equal(201);
    const down = await as(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/a',
      { data: { v: '4' } },
      {
        ...alice,
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(down.status).to.equal(422);
    expect(down.body.message).to.match(
      /ConfigMap "a" is invalid: .*denied request: v must grow past 5$/,
    );
    const gone = await as('DELETE', '/api/v1/namespaces/default/configmaps/a');
    expect(gone.status).to.equal(422);
    expect(gone.body.message).to.include("failed expression: request.operation != 'DELETE'");
    const up = await as(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/a',
      { data: { v: '9' } },
      {
        ...alice,
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(up.status).to.equal(200);
    expect((await as('DELETE', '/api/v1/namespaces/default/configmaps/a')).status).to.equal(200);
  });

  it('reads variables lazily: one that fails counts only where a validation reads it', async () => {
    await policy({
      matchConstraints: { resourceRules: [configMaps] },
      variables: [
        { name: 'old', expression: 'oldObject.data.v' },
        { name: 'isCreate', expression: "request.operation == 'CREATE'" },
      ],
      validations: [{ expression: 'variables.isCreate || variables.old == object.data.v' }],
    });
    expect(
      (await as('POST', '/api/v1/namespaces/default/configmaps', cm('a', { v: '1' }))).status,
    ).to.equal(201);
    const changed = await as('PUT', '/api/v1/namespaces/default/configmaps/a', cm('a', { v: '2' }));
    expect(changed.status).to.equal(422);
  });

  it('follows failurePolicy on an evaluation error: Fail refuses, Ignore lets through', async () => {
    const failing = { expression: 'object.data.missing == "x"' };
    await policy({ matchConstraints: { resourceRules: [configMaps] }, validations: [failing] });
    const r = await as('POST', '/api/v1/namespaces/default/configmaps', cm('a'));
    expect(r.status).to.equal(403);
    expect(r.body.message).to.include(
      'expression \'object.data.missing == "x"\' resulted in error',
    );
    await admin('DELETE', `${BINDINGS}/p${policies}`);
    await policy({
      failurePolicy: 'Ignore',
      matchConstraints: { resourceRules: [configMaps] },
      validations: [failing],
    });
    expect((await as('POST', '/api/v1/namespaces/default/configmaps', cm('b'))).status).to.equal(
      201,
    );
  });

  it('warns instead of denying for validationActions [Warn], and needs a binding to act at all', async () => {
    await policy(
      {
        matchConstraints: { resourceRules: [configMaps] },
        validations: [{ expression: 'false', message: 'careful' }],
      },
      { validationActions: ['Warn'] },
    );
    const r = await as('POST', '/api/v1/namespaces/default/configmaps', cm('a'));
    expect(r.status).to.equal(201);
    expect(r.headers.get('warning')).to.include('careful');
    const unbound = {
      metadata: { name: 'unbound' },
      spec: {
        matchConstraints: { resourceRules: [configMaps] },
        validations: [{ expression: 'false' }],
      },
    };
    expect((await admin('POST', VAP, unbound)).status).to.equal(201);
    expect((await as('POST', '/api/v1/namespaces/default/configmaps', cm('b'))).status).to.equal(
      201,
    );
    await admin('DELETE', `${VAP}/unbound`);
  });

  it('matches operations, subresources, objectSelector and the binding’s matchResources', async () => {
    await policy(
      {
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [''],
              apiVersions: ['*'],
              operations: ['UPDATE'],
              resources: ['configmaps', 'namespaces/status'],
            },
          ],
          objectSelector: { matchExpressions: [{ key: 'locked', operator: 'Exists' }] },
        },
        validations: [{ expression: 'false', message: 'locked' }],
      },
      {
        matchResources: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } },
        },
      },
    );
    expect(
      (await as('POST', '/api/v1/namespaces/default/configmaps', cm('a', {}, { locked: 'y' })))
        .status,
    ).to.equal(201);
    expect(
      (
        await as(
          'PUT',
          '/api/v1/namespaces/default/configmaps/a',
          cm('a', { x: '1' }, { locked: 'y' }),
        )
      ).status,
    ).to.equal(422);
    expect((await as('POST', '/api/v1/namespaces/default/configmaps', cm('b'))).status).to.equal(
      201,
    );
    expect(
      (await as('PUT', '/api/v1/namespaces/default/configmaps/b', cm('b', { x: '1' }))).status,
    ).to.equal(200);
    await admin('POST', '/api/v1/namespaces', { metadata: { name: 'elsewhere' } });
    await admin('POST', '/api/v1/namespaces/elsewhere/configmaps', cm('c', {}, { locked: 'y' }));
    const other = await as(
      'PUT',
      '/api/v1/namespaces/elsewhere/configmaps/c',
      cm('c', { x: '1' }, { locked: 'y' }),
    );
    expect(other.status, 'the binding selects namespace default only').to.equal(200);
    // `configmaps` names the main resource only; the namespace itself is not matched either.
    const ns = await as(
      'PATCH',
      '/api/v1/namespaces/elsewhere',
      { metadata: { labels: { locked: 'y' } } },
      {
        ...alice,
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(ns.status).to.equal(200);
  });
});
