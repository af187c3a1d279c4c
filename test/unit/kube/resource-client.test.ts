import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { ForbiddenError, NotFoundError } from '../../../src/kube/errors.js';
import { ResourceClient } from '../../../src/kube/resource-client.js';
import type { KubeRequest, Transport } from '../../../src/kube/transport.js';

/** A transport that records requests and answers each with `answer`. */
function stubTransport(answer: (req: KubeRequest) => unknown): {
  transport: Transport;
  sent: KubeRequest[];
} {
  const sent: KubeRequest[] = [];
  const transport: Transport = {
    server: 'https://stub',
    request: <T>(req: KubeRequest) => {
      sent.push(req);
      try {
        return Promise.resolve(answer(req) as T);
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    stream: () => Promise.reject(new Error('no streams here')),
  };
  return { transport, sent };
}

const configMaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const smigs = {
  group: 'schema.streamspace.io',
  version: 'v1alpha1',
  plural: 'schemamigrations',
  namespaced: true,
};

describe('ResourceClient', () => {
  it('finds nothing when the API answers NotFoundError', async () => {
    const { transport } = stubTransport(() => {
      throw new NotFoundError('NotFound', 'configmaps "a" not found', { status: 404 });
    });
    const client = new ResourceClient(transport, configMaps);
    expect(await client.find({ namespace: 'ns', name: 'a' })).to.equal(undefined);
  });

  it('passes on every other failure of find, even one that only looks like a NotFound', async () => {
    const lookalike = Object.assign(new Error('not translated'), { reason: 'NotFound' });
    const forbidden = new ForbiddenError('Forbidden', 'configmaps "a" is forbidden');
    for (const failure of [forbidden, lookalike]) {
      const { transport } = stubTransport(() => {
        throw failure;
      });
      const client = new ResourceClient(transport, configMaps);
      let thrown: unknown;
      await client.find({ namespace: 'ns', name: 'a' }).catch((err: unknown) => (thrown = err));
      expect(thrown).to.equal(failure);
    }
  });

  it('takes an API type as it is, creating it in the namespace its metadata names', async () => {
    const smig: SchemaMigration = {
      apiVersion: 'schema.streamspace.io/v1alpha1',
      kind: 'SchemaMigration',
      metadata: { name: 'api', namespace: 'team-a' },
      spec: {
        database: { urlSecretRef: { name: 'db', key: 'url' } },
        source: { bundled: 'streamspace' },
      },
    };
    const { transport, sent } = stubTransport((req) => req.body);
    const client = new ResourceClient<SchemaMigration>(transport, smigs);
    const created = await client.create(smig);
    expect(created.spec.source).to.deep.equal({ bundled: 'streamspace' });
    expect(sent.map((r) => [r.method, r.path])).to.deep.equal([
      ['POST', '/apis/schema.streamspace.io/v1alpha1/namespaces/team-a/schemamigrations'],
    ]);
  });
});
