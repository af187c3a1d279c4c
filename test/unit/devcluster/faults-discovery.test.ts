import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { call, openWatch } from '../../support/http-client.js';

const CM = '/api/v1/namespaces/default/configmaps';
const CRD = {
  metadata: { name: 'things.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Cluster',
    names: { plural: 'things', kind: 'Thing' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    ],
  },
};

describe('devcluster faults and discovery', () => {
  const f = useDevCluster();
  const req = (method: string, path: string, body?: unknown) => call(f.url, method, path, body);

  it('fails the next matching requests with the injected status', async () => {
    f.dc.faults.failNext({ method: 'POST', pathPrefix: CM, status: 429, count: 2 });
    expect((await req('GET', CM)).status).to.equal(200);
    const first = await req('POST', CM, { metadata: { name: 'f1' } });
    expect(first.status).to.equal(429);
    expect(first.body.reason).to.equal('TooManyRequests');
    expect((await req('POST', CM, { metadata: { name: 'f1' } })).status).to.equal(429);
    expect((await req('POST', CM, { metadata: { name: 'f1' } })).status).to.equal(201);
  });

  it('fails at a rate only for the methods named', async () => {
    f.dc.faults.failRate({ rate: 1, statuses: [500], methods: ['PUT'] });
    expect((await req('GET', CM)).status).to.equal(200);
    expect((await req('PUT', `${CM}/f1`, { metadata: { name: 'f1' } })).status).to.equal(500);
  });

  it('delays responses', async () => {
    f.dc.faults.delay(150);
    const start = Date.now();
    await req('GET', CM);
    expect(Date.now() - start).to.be.at.least(140);
  });

  it('ends open watches on closeWatches', async () => {
    const w = openWatch(f.url, `${CM}?watch=true`);
    await w.until(1);
    f.dc.faults.closeWatches();
    await w.done;
  });

  it('counts requests by verb and resource', async () => {
    await req('GET', CM);
    await req('GET', `${CM}/f1`);
    await req('POST', CM, { metadata: { name: 'f2' } });
    expect(f.dc.faults.counts()).to.include({
      'list configmaps': 1,
      'get configmaps': 1,
      'create configmaps': 1,
    });
    expect(f.dc.faults.total()).to.equal(3);
  });

  it('serves legacy discovery for the built-in groups', async () => {
    const api = await req('GET', '/api');
    expect(api.body.versions).to.deep.equal(['v1']);
    const groups = (await req('GET', '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).to.include.members([
      'events.k8s.io',
      'coordination.k8s.io',
      'apiextensions.k8s.io',
    ]);
    const core = (await req('GET', '/api/v1')).body.resources.map((r: { name: string }) => r.name);
    expect(core).to.include.members([
      'namespaces',
      'pods',
      'pods/status',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'events',
    ]);
    expect((await req('GET', '/apis/coordination.k8s.io/v1')).body.resources[0].kind).to.equal(
      'Lease',
    );
  });

  it('serves a CRD resource as soon as it is created and stops when it is deleted', async () => {
    const crd = await req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', CRD);
    expect(
      crd.body.status.conditions.find((c: { type: string }) => c.type === 'Established').status,
    ).to.equal('True');
    expect((await req('GET', '/apis/example.com')).body.preferredVersion.version).to.equal('v1');
    const thing = await req('POST', '/apis/example.com/v1/things', {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: 't1' },
    });
    expect(thing.status).to.equal(201);
    expect(thing.body.metadata.namespace).to.equal(undefined);
    await req(
      'DELETE',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things.example.com',
    );
    expect((await req('GET', '/apis/example.com/v1/things')).status).to.equal(404);
    expect((await req('GET', '/apis/example.com')).status).to.equal(404);
  });
});
