import { expect } from 'chai';
import { connect } from '../../../src/kube/client.js';
import { kubeConfig, KubeConfigError } from '../../../src/kube/config.js';
import {
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  NotFoundError,
  ServerError,
  TooManyRequestsError,
  UnavailableError,
  type KubeError,
} from '../../../src/kube/errors.js';
import { addFinalizer, mergePatchStatus, removeFinalizer } from '../../../src/kube/patch.js';
import type { KubeObject } from '../../../src/kube/resource-client.js';
import { failure, FakeApiServer, json, status } from './support/fake-apiserver.js';

const cms = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const smig = {
  group: 'schema.streamspace.io',
  version: 'v1alpha1',
  plural: 'schemamigrations',
  namespaced: true,
};

describe('kube client', () => {
  let api: FakeApiServer;
  beforeEach(async () => (api = await new FakeApiServer().start()));
  afterEach(() => api.stop());

  const table: Array<
    [number, object, Record<string, string>, new (...a: never[]) => KubeError, string, boolean]
  > = [
    [
      404,
      status(404, 'NotFound', 'configmaps "a" not found'),
      {},
      NotFoundError,
      'NotFound',
      false,
    ],
    [
      409,
      status(409, 'Conflict', 'the object has been modified'),
      {},
      ConflictError,
      'Conflict',
      true,
    ],
    [409, status(409, 'AlreadyExists', 'already exists'), {}, ConflictError, 'AlreadyExists', true],
    [410, status(410, 'Expired', 'too old resource version'), {}, GoneError, 'Expired', true],
    [
      429,
      status(429, 'TooManyRequests', 'slow down'),
      { 'Retry-After': '3' },
      TooManyRequestsError,
      'TooManyRequests',
      true,
    ],
    [500, status(500, 'InternalError', 'etcd is sad'), {}, ServerError, 'ServerError', true],
    [503, { nonsense: true }, {}, ServerError, 'ServerError', true],
    [
      403,
      status(403, 'Forbidden', 'cannot get configmaps'),
      {},
      ForbiddenError,
      'Forbidden',
      false,
    ],
    [
      422,
      status(422, 'Invalid', 'bad', { causes: [{ field: 'spec.x', reason: 'FieldValueInvalid' }] }),
      {},
      InvalidError,
      'Invalid',
      false,
    ],
  ];
  for (const [code, body, headers, type, reason, transient] of table)
    it(`turns HTTP ${code} ${reason} into ${type.name} (transient: ${transient})`, async () => {
      api.handler = (_req, res) => json(res, code, body, headers);
      const err = await failure(
        connect({ kubeconfigPath: api.kubeconfig() })
          .resource(cms)
          .get({ namespace: 'ns', name: 'a' }),
      );
      expect(err).to.be.instanceOf(type);
      expect(err.reason).to.equal(reason);
      expect(err.status).to.equal(code);
      expect(err.isTransient).to.equal(transient);
      expect(err.message).to.match(/^while getting configmaps ns\/a: /);
      if (err instanceof TooManyRequestsError) expect(err.retryAfterMs).to.equal(3000);
      if (err instanceof InvalidError) expect(err.causes[0]?.field).to.equal('spec.x');
    });

  it('reports a refused connection as UnavailableError naming the server', async () => {
    const url = api.url;
    await api.stop();
    const err = await failure(
      connect({ kubeconfigPath: api.kubeconfig(url) })
        .resource(cms)
        .list(),
    );
    expect(err).to.be.instanceOf(UnavailableError);
    expect(err.isTransient).to.equal(true);
    expect(err.message).to.contain('connection refused').and.contain(url);
  });

  it('reports a connection reset mid-request as UnavailableError', async () => {
    api.handler = (_req, res) => res.socket?.destroy();
    const err = await failure(connect({ kubeconfigPath: api.kubeconfig() }).resource(cms).list());
    expect(err).to.be.instanceOf(UnavailableError);
  });

  it('sends the bearer token, paths, selectors and patch content types the API expects', async () => {
    api.handler = (req, res) =>
      json(
        res,
        200,
        req.method === 'GET'
          ? {
              kind: 'SchemaMigrationList',
              metadata: { resourceVersion: '42' },
              items: [{ metadata: { name: 'x' } }],
            }
          : { metadata: { name: 'x' } },
      );
    const c = connect({ kubeconfigPath: api.kubeconfig() }).resource<KubeObject>(smig);
    const listed = await c.list({ namespace: 'ns', labelSelector: 'app=a' });
    expect(listed.resourceVersion).to.equal('42');
    expect(listed.items[0]).to.include({
      apiVersion: 'schema.streamspace.io/v1alpha1',
      kind: 'SchemaMigration',
    });
    await c.mergePatch({ namespace: 'ns', name: 'x' }, { metadata: { labels: { a: 'b' } } });
    await c.jsonPatch({ namespace: 'ns', name: 'x' }, [{ op: 'test', path: '/a', value: 1 }]);
    await c.patchStatus({ namespace: 'ns', name: 'x' }, { phase: 'Ready' });
    const [list, merge, jsonp, st] = api.seen;
    expect(list?.url).to.equal(
      '/apis/schema.streamspace.io/v1alpha1/namespaces/ns/schemamigrations?labelSelector=app%3Da',
    );
    expect(list?.headers.authorization).to.equal('Bearer t0ken');
    expect(merge?.headers['content-type']).to.equal('application/merge-patch+json');
    expect(jsonp?.headers['content-type']).to.equal('application/json-patch+json');
    expect(st?.url).to.equal(
      '/apis/schema.streamspace.io/v1alpha1/namespaces/ns/schemamigrations/x/status',
    );
    expect(JSON.parse(st!.body)).to.deep.equal({ status: { phase: 'Ready' } });
  });

  it('turns an in-stream watch ERROR with 410 into GoneError', async () => {
    api.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(
        JSON.stringify({
          type: 'ADDED',
          object: { metadata: { name: 'a', resourceVersion: '5' } },
        }) + '\n',
      );
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: status(410, 'Expired', 'too old resource version'),
        }) + '\n',
      );
    };
    const seen: string[] = [];
    const c = connect({ kubeconfigPath: api.kubeconfig() }).resource<KubeObject>(cms);
    const err = await failure(
      c.watch({ resourceVersion: '1', namespace: 'ns' }, (e) =>
        seen.push(`${e.type} ${e.object.metadata?.name}`),
      ),
    );
    expect(err).to.be.instanceOf(GoneError);
    expect(seen).to.deep.equal(['ADDED a']);
    expect(api.seen[0]?.url)
      .to.contain('watch=true')
      .and.contain('allowWatchBookmarks=true')
      .and.contain('resourceVersion=1');
  });

  it('writes status only when it changed', async () => {
    api.handler = (_req, res) => json(res, 200, { metadata: { name: 'x' } });
    const c = connect({ kubeconfigPath: api.kubeconfig() }).resource<
      KubeObject & { status?: { phase: string } }
    >(smig);
    const obj = { metadata: { name: 'x', namespace: 'ns' }, status: { phase: 'Ready' } };
    expect((await mergePatchStatus(c, obj, { phase: 'Ready' })).changed).to.equal(false);
    expect(api.seen).to.have.length(0);
    expect((await mergePatchStatus(c, obj, { phase: 'Failed' })).changed).to.equal(true);
    expect(api.seen).to.have.length(1);
  });

  it('conditions finalizer edits on what was read, so a concurrent writer gets a conflict', async () => {
    api.handler = (_req, res) => json(res, 200, { metadata: { name: 'x' } });
    const c = connect({ kubeconfigPath: api.kubeconfig() }).resource<KubeObject>(smig);
    const obj = {
      metadata: { name: 'x', namespace: 'ns', resourceVersion: '7', finalizers: ['other'] },
    };
    await addFinalizer(c, obj, 'schema.streamspace.io/finalizer');
    expect(JSON.parse(api.seen[0]!.body)).to.deep.equal({
      metadata: { finalizers: ['other', 'schema.streamspace.io/finalizer'], resourceVersion: '7' },
    });
    await removeFinalizer(c, { metadata: { ...obj.metadata, finalizers: ['other', 'f'] } }, 'f');
    expect(JSON.parse(api.seen[1]!.body)).to.deep.equal([
      { op: 'test', path: '/metadata/finalizers', value: ['other', 'f'] },
      { op: 'remove', path: '/metadata/finalizers/1' },
    ]);
    await removeFinalizer(c, obj, 'absent');
    expect(api.seen).to.have.length(2);
  });

  it('finds no configuration outside a pod without KUBECONFIG or ~/.kube/config, and says so', () => {
    expect(() => kubeConfig({ env: {}, home: '/nonexistent' })).to.throw(
      KubeConfigError,
      /KUBERNETES_SERVICE_HOST unset/,
    );
  });

  it('loads KUBECONFIG and selects a context, rejecting unknown ones', () => {
    const path = api.kubeconfig();
    expect(kubeConfig({ env: { KUBECONFIG: path }, home: '/nonexistent' }).server).to.equal(
      api.url,
    );
    expect(() => kubeConfig({ kubeconfigPath: path, context: 'nope' })).to.throw(
      KubeConfigError,
      /no context named nope/,
    );
    expect(() => kubeConfig({ kubeconfigPath: '/nonexistent/config' })).to.throw(
      KubeConfigError,
      /does not exist/,
    );
  });
});
