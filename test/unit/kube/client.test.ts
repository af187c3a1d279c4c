import { expect } from 'chai';
import { createServer } from 'node:net';
import nock from 'nock';
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
import type { KubeObject, ResourceClient } from '../../../src/kube/resource-client.js';
import { useDevCluster } from '../../support/devcluster.js';
import { failure, status, wireApi, wireKubeconfig, WIRE_SERVER } from '../../support/wire-api.js';

const cms = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const smig = {
  group: 'schema.streamspace.io',
  version: 'v1alpha1',
  plural: 'schemamigrations',
  namespaced: true,
};

/** A loopback URL where nothing listens: a port just bound and released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

type ErrorClass = new (...a: never[]) => KubeError;

describe('kube client', () => {
  describe('errors from the API server', () => {
    const cluster = useDevCluster();
    const configmaps = () =>
      connect({ kubeconfigPath: cluster.kubeconfigPath }).resource<KubeObject & { data?: object }>(
        cms,
      );
    const key = { namespace: 'default', name: 'a' };

    // Each row provokes one failure from the devcluster, as a real API server would give it.
    const table: Array<
      [string, () => Promise<unknown>, ErrorClass, string, number, boolean, RegExp]
    > = [
      [
        'a missing object',
        () => configmaps().get(key),
        NotFoundError,
        'NotFound',
        404,
        false,
        /^while getting configmaps default\/a: /,
      ],
      [
        'a write from a stale read',
        async () => {
          const made = await configmaps().create({ metadata: { ...key } });
          await configmaps().mergePatch(key, { data: { x: '1' } });
          return configmaps().replace(made);
        },
        ConflictError,
        'Conflict',
        409,
        true,
        /^while replacing configmaps default\/a: /,
      ],
      [
        'a create of an object that exists',
        async () => {
          await configmaps().create({ metadata: { ...key } });
          return configmaps().create({ metadata: { ...key } });
        },
        ConflictError,
        'AlreadyExists',
        409,
        true,
        /^while creating configmaps default\/a: /,
      ],
      [
        'a resource version too old',
        () => {
          cluster.dc.faults.failNext({ status: 410 });
          return configmaps().get(key);
        },
        GoneError,
        'Expired',
        410,
        true,
        /^while getting configmaps default\/a: /,
      ],
      [
        'a failing server',
        () => {
          cluster.dc.faults.failNext({ status: 500 });
          return configmaps().get(key);
        },
        ServerError,
        'ServerError',
        500,
        true,
        /^while getting configmaps default\/a: /,
      ],
      [
        'an object validation rejects',
        () => configmaps().create({ metadata: { namespace: 'default', name: 'Not_A_Name' } }),
        InvalidError,
        'Invalid',
        422,
        false,
        /^while creating configmaps default\/Not_A_Name: /,
      ],
    ];
    afterEach(() =>
      configmaps()
        .delete(key)
        .catch(() => undefined),
    );
    for (const [what, provoke, type, reason, code, transient, message] of table)
      it(`turns ${what} (HTTP ${code} ${reason}) into ${type.name} (transient: ${transient})`, async () => {
        const err = await failure(provoke());
        expect(err).to.be.instanceOf(type);
        expect(err.reason).to.equal(reason);
        expect(err.status).to.equal(code);
        expect(err.isTransient).to.equal(transient);
        expect(err.message).to.match(message);
        if (err instanceof InvalidError) expect(err.causes[0]?.field).to.equal('metadata.name');
      });
  });

  describe('on the wire', () => {
    afterEach(() => nock.cleanAll());
    const wire = <T extends KubeObject = KubeObject>(ref = smig): ResourceClient<T> =>
      connect({ kubeconfigPath: wireKubeconfig() }).resource<T>(ref);

    // Failures the devcluster does not produce: a Retry-After header, a 5xx
    // whose body is not a Status, RBAC's refusal (it authorizes everyone).
    const table: Array<[number, object, Record<string, string>, ErrorClass, string, boolean]> = [
      [
        429,
        status(429, 'TooManyRequests', 'slow down'),
        { 'Retry-After': '3' },
        TooManyRequestsError,
        'TooManyRequests',
        true,
      ],
      [503, { nonsense: true }, {}, ServerError, 'ServerError', true],
      [
        403,
        status(403, 'Forbidden', 'cannot get configmaps'),
        {},
        ForbiddenError,
        'Forbidden',
        false,
      ],
    ];
    for (const [code, body, headers, type, reason, transient] of table)
      it(`turns HTTP ${code} ${reason} into ${type.name} (transient: ${transient})`, async () => {
        wireApi(() => [code, body, headers]);
        const err = await failure(wire(cms).get({ namespace: 'ns', name: 'a' }));
        expect(err).to.be.instanceOf(type);
        expect(err.reason).to.equal(reason);
        expect(err.status).to.equal(code);
        expect(err.isTransient).to.equal(transient);
        expect(err.message).to.match(/^while getting configmaps ns\/a: /);
        if (err instanceof TooManyRequestsError) expect(err.retryAfterMs).to.equal(3000);
      });

    it('reports a refused connection as UnavailableError naming the server', async () => {
      const url = await closedPortUrl();
      const err = await failure(
        connect({ kubeconfigPath: wireKubeconfig(url) })
          .resource(cms)
          .list(),
      );
      expect(err).to.be.instanceOf(UnavailableError);
      expect(err.isTransient).to.equal(true);
      expect(err.message).to.contain('connection refused').and.contain(url);
    });

    it('reports a connection reset mid-request as UnavailableError', async () => {
      nock(WIRE_SERVER)
        .get(/.*/)
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      const err = await failure(wire(cms).list());
      expect(err).to.be.instanceOf(UnavailableError);
    });

    it('sends the bearer token, paths, selectors and patch content types the API expects', async () => {
      const seen = wireApi((req) => [
        200,
        req.method === 'GET'
          ? {
              kind: 'SchemaMigrationList',
              metadata: { resourceVersion: '42' },
              items: [{ metadata: { name: 'x' } }],
            }
          : { metadata: { name: 'x' } },
      ]);
      const c = wire();
      const listed = await c.list({ namespace: 'ns', labelSelector: 'app=a' });
      expect(listed.resourceVersion).to.equal('42');
      expect(listed.items[0]).to.include({
        apiVersion: 'schema.streamspace.io/v1alpha1',
        kind: 'SchemaMigration',
      });
      await c.mergePatch({ namespace: 'ns', name: 'x' }, { metadata: { labels: { a: 'b' } } });
      await c.jsonPatch({ namespace: 'ns', name: 'x' }, [{ op: 'test', path: '/a', value: 1 }]);
      await c.patchStatus({ namespace: 'ns', name: 'x' }, { phase: 'Ready' });
      const [list, merge, jsonp, st] = seen;
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
      const lines = [
        { type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } },
        { type: 'ERROR', object: status(410, 'Expired', 'too old resource version') },
      ];
      const requests = wireApi(() => [200, lines.map((l) => JSON.stringify(l) + '\n').join('')]);
      const seen: string[] = [];
      const err = await failure(
        wire(cms).watch({ resourceVersion: '1', namespace: 'ns' }, (e) =>
          seen.push(`${e.type} ${e.object.metadata?.name}`),
        ),
      );
      expect(err).to.be.instanceOf(GoneError);
      expect(seen).to.deep.equal(['ADDED a']);
      expect(requests[0]?.url)
        .to.contain('watch=true')
        .and.contain('allowWatchBookmarks=true')
        .and.contain('resourceVersion=1');
    });

    it('writes status only when it changed', async () => {
      const seen = wireApi(() => [200, { metadata: { name: 'x' } }]);
      const c = wire<KubeObject & { status?: { phase: string } }>();
      const obj = { metadata: { name: 'x', namespace: 'ns' }, status: { phase: 'Ready' } };
      expect((await mergePatchStatus(c, obj, { phase: 'Ready' })).changed).to.equal(false);
      expect(seen).to.have.length(0);
      expect((await mergePatchStatus(c, obj, { phase: 'Failed' })).changed).to.equal(true);
      expect(seen).to.have.length(1);
    });

    it('conditions finalizer edits on what was read, so a concurrent writer gets a conflict', async () => {
      const seen = wireApi(() => [200, { metadata: { name: 'x' } }]);
      const c = wire();
      const obj = {
        metadata: { name: 'x', namespace: 'ns', resourceVersion: '7', finalizers: ['other'] },
      };
      await addFinalizer(c, obj, 'schema.streamspace.io/finalizer');
      expect(JSON.parse(seen[0]!.body)).to.deep.equal({
        metadata: {
          finalizers: ['other', 'schema.streamspace.io/finalizer'],
          resourceVersion: '7',
        },
      });
      await removeFinalizer(c, { metadata: { ...obj.metadata, finalizers: ['other', 'f'] } }, 'f');
      expect(JSON.parse(seen[1]!.body)).to.deep.equal([
        { op: 'test', path: '/metadata/finalizers', value: ['other', 'f'] },
        { op: 'remove', path: '/metadata/finalizers/1' },
      ]);
      await removeFinalizer(c, obj, 'absent');
      expect(seen).to.have.length(2);
    });
  });

  it('finds no configuration outside a pod without KUBECONFIG or ~/.kube/config, and says so', () => {
    expect(() => kubeConfig({ env: {}, home: '/nonexistent' })).to.throw(
      KubeConfigError,
      /KUBERNETES_SERVICE_HOST unset/,
    );
  });

  it('loads KUBECONFIG and selects a context, rejecting unknown ones', () => {
    const path = wireKubeconfig();
    expect(kubeConfig({ env: { KUBECONFIG: path }, home: '/nonexistent' }).server).to.equal(
      WIRE_SERVER,
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
