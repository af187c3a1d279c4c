import { expect } from 'chai';
import {
  Informer,
  PARTIAL_ACCEPT,
  PARTIAL_LIST_ACCEPT,
  connect,
  identityOnly,
  metadataClient,
  type PartialObjectMetadata,
} from '../../../src/kube/index.js';
import { useDevCluster } from '../../support/devcluster.js';
import { call } from '../../support/http-client.js';

const CMS = '/api/v1/namespaces/default/configmaps';
const cmsRef = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

describe('devcluster metadata-only reads (PartialObjectMetadata)', () => {
  const f = useDevCluster({ bookmarkIntervalMs: 100 });
  const big = 'x'.repeat(100_000);

  before(async () => {
    const r = await call(f.url, 'POST', CMS, {
      metadata: { name: 'big', labels: { a: 'b' } },
      data: { 'k.sql': big },
    });
    expect(r.status).to.equal(201);
  });

  it('lists metadata only when asked for a PartialObjectMetadataList', async () => {
    const r = await call(f.url, 'GET', CMS, undefined, { Accept: PARTIAL_LIST_ACCEPT });
    expect(r.status).to.equal(200);
    expect(r.body.kind).to.equal('PartialObjectMetadataList');
    expect(r.body.apiVersion).to.equal('meta.k8s.io/v1');
    expect(r.body.metadata.resourceVersion).to.match(/^\d+$/);
    const item = r.body.items.find((i: PartialObjectMetadata) => i.metadata.name === 'big');
    expect(item.kind).to.equal('PartialObjectMetadata');
    expect(item.metadata.labels).to.deep.equal({ a: 'b' });
    expect(item.data).to.equal(undefined);
  });

  it('gets one object as PartialObjectMetadata', async () => {
    const r = await call(f.url, 'GET', `${CMS}/big`, undefined, { Accept: PARTIAL_ACCEPT });
    expect(r.body).to.include({ kind: 'PartialObjectMetadata' });
    expect(r.body.data).to.equal(undefined);
  });

  it('refuses a list asked as one object, and a get asked as a list, with 406', async () => {
    expect((await call(f.url, 'GET', CMS, undefined, { Accept: PARTIAL_ACCEPT })).status).to.equal(
      406,
    );
    const get = await call(f.url, 'GET', `${CMS}/big`, undefined, { Accept: PARTIAL_LIST_ACCEPT });
    expect(get.status).to.equal(406);
  });

  it('still serves whole objects to a plain Accept', async () => {
    const r = await call(f.url, 'GET', `${CMS}/big`);
    expect(r.body.data['k.sql']).to.have.length(big.length);
  });

  it('feeds an informer that sees changes without ever holding the data', async () => {
    const client = connect({ kubeconfigPath: f.kubeconfigPath });
    const informer = new Informer<PartialObjectMetadata>({
      client: metadataClient(client, cmsRef),
      namespace: 'default',
      transform: identityOnly,
    });
    const seen: string[] = [];
    informer.on({
      update: (_o, n) => seen.push(`${n.metadata.name}@${n.metadata.resourceVersion}`),
    });
    informer.start();
    try {
      await informer.waitForSync();
      const cached = informer.cache.get('default/big')!;
      expect(JSON.stringify(cached).length).to.be.below(500);
      await call(
        f.url,
        'PATCH',
        `${CMS}/big`,
        { data: { 'k.sql': 'y' } },
        {
          'Content-Type': 'application/merge-patch+json',
        },
      );
      for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(seen).to.have.length(1);
      expect(JSON.stringify(informer.cache.get('default/big'))).to.not.include('y');
    } finally {
      await informer.stop();
    }
  });
});
