import { expect } from 'chai';
import { AccessDeniedError, PluginSession } from '../../../../src/cli/plugin/session.js';
import { ForbiddenError, NotFoundError } from '../../../../src/kube/errors.js';
import type { KubeRequest, Transport } from '../../../../src/kube/transport.js';

/** A transport that refuses what `refuse` says and answers who-am-I with `user`. */
function fakeTransport(o: { refuse: (r: KubeRequest) => Error | undefined; user?: string }) {
  const seen: KubeRequest[] = [];
  const transport: Transport = {
    server: 'https://api.example',
    request: <T>(r: KubeRequest): Promise<T> => {
      seen.push(r);
      if (r.path.endsWith('/selfsubjectreviews')) {
        if (!o.user) return Promise.reject(new ForbiddenError('Forbidden', 'no'));
        return Promise.resolve({ status: { userInfo: { username: o.user } } } as T);
      }
      const err = o.refuse(r);
      return err ? Promise.reject(err) : Promise.resolve({ metadata: {} } as T);
    },
    stream: () => Promise.resolve(),
  };
  return { transport, seen };
}

const forbidden = () =>
  new ForbiddenError('Forbidden', 'patching schemamigrations shop/app: denied', { status: 403 });
const patchApp = (s: PluginSession) =>
  s.as({ verb: 'patch', resource: 'schemamigrations', namespace: 'shop' }, () =>
    s.migrations.mergePatch(
      { name: 'app', namespace: 'shop' },
      { metadata: { annotations: { a: 'b' } } },
    ),
  );

describe('kubectl schema: what a refusal says', () => {
  it('names the verb, the resource, the namespace and the user the server saw', async () => {
    const { transport } = fakeTransport({
      refuse: (r) => (r.method === 'PATCH' ? forbidden() : undefined),
      user: 'alice',
    });
    const s = new PluginSession({ transport, namespace: 'shop' });
    const err = await patchApp(s).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AccessDeniedError);
    expect((err as Error).message).to.match(
      /^forbidden: user alice may not patch schemamigrations in namespace shop \(ask for a Role granting "patch" on schemamigrations\.schema\.streamspace\.io\); the server said: patching schemamigrations shop\/app: denied$/,
    );
  });

  it('says the user is unknown when the server will not say', async () => {
    const { transport } = fakeTransport({ refuse: forbidden });
    const err = await patchApp(new PluginSession({ transport, namespace: 'shop' })).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).to.include('user (unknown) may not patch');
  });

  it('leaves bad credentials (401) and other errors as they are', async () => {
    for (const e of [
      new ForbiddenError('Unauthorized', 'bad token', { status: 401 }),
      new NotFoundError('NotFound', 'gone'),
    ]) {
      const { transport } = fakeTransport({ refuse: () => e, user: 'alice' });
      const err = await patchApp(new PluginSession({ transport, namespace: 'shop' })).catch(
        (x: Error) => x,
      );
      expect(err).to.equal(e);
    }
  });

  it('patches only metadata.annotations, as a merge patch', async () => {
    const { transport, seen } = fakeTransport({ refuse: () => undefined });
    await patchApp(new PluginSession({ transport, namespace: 'shop' }));
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ method: 'PATCH', contentType: 'application/merge-patch+json' });
    expect(seen[0]!.path).to.equal(
      '/apis/schema.streamspace.io/v1alpha1/namespaces/shop/schemamigrations/app',
    );
    expect(seen[0]!.body).to.deep.equal({ metadata: { annotations: { a: 'b' } } });
  });
});
