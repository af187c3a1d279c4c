import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { call, openWatch } from '../../support/http-client.js';

const PODS = '/api/v1/namespaces/default/pods';
const TABLE = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };

describe('devcluster lists and watches', () => {
  const f = useDevCluster({ bookmarkIntervalMs: 100, eventHistory: 50 });
  const req = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(f.url, method, path, body, headers);
  const pod = (name: string, labels: Record<string, string>, extra: object = {}) => ({
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'x' }], ...extra },
  });

  before(async () => {
    await req('POST', '/api/v1/namespaces', { metadata: { name: 'other' } });
    await req('POST', PODS, pod('p-a', { app: 'a', tier: 'web' }));
    await req('POST', PODS, pod('p-b', { app: 'b' }));
    await req('POST', PODS, pod('p-c', { app: 'c', tier: 'db' }));
    await req('POST', '/api/v1/namespaces/other/pods', pod('p-o', { app: 'a' }));
  });

  const selectors: Array<[string, string[]]> = [
    ['app=a', ['p-a']],
    ['app!=a', ['p-b', 'p-c']],
    ['app in (a,c)', ['p-a', 'p-c']],
    ['app notin (a,c)', ['p-b']],
    ['tier', ['p-a', 'p-c']],
    ['!tier', ['p-b']],
    ['app=a,tier=web', ['p-a']],
  ];
  for (const [selector, names] of selectors) {
    it(`lists with labelSelector ${selector}`, async () => {
      const r = await req('GET', `${PODS}?labelSelector=${encodeURIComponent(selector)}`);
      expect(
        r.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort(),
      ).to.deep.equal(names);
    });
  }

  it('lists with a field selector on metadata.name and across all namespaces', async () => {
    const one = await req('GET', `${PODS}?fieldSelector=metadata.name%3Dp-b`);
    expect(one.body.items).to.have.length(1);
    const all = await req('GET', '/api/v1/pods?fieldSelector=metadata.namespace%3Dother');
    expect(
      all.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
    ).to.deep.equal(['p-o']);
    expect(all.body.metadata.resourceVersion).to.match(/^\d+$/);
    const bad = await req('GET', `${PODS}?fieldSelector=spec.nope%3Dx`);
    expect(bad.status).to.equal(400);
  });

  it('pages with limit and continue', async () => {
    const first = await req('GET', `${PODS}?limit=2`);
    expect(first.body.items).to.have.length(2);
    const rest = await req('GET', `${PODS}?limit=2&continue=${first.body.metadata.continue}`);
    expect(
      rest.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
    ).to.deep.equal(['p-c']);
    expect(rest.body.metadata.continue).to.equal(undefined);
  });

  it('watches from a resourceVersion: ADDED, MODIFIED, DELETED in order', async () => {
    const rv = (await req('GET', PODS)).body.metadata.resourceVersion;
    const w = openWatch(f.url, `${PODS}?watch=true&resourceVersion=${rv}`);
    await req('POST', PODS, pod('w1', {}));
    await req(
      'PATCH',
      `${PODS}/w1`,
      { metadata: { labels: { x: 'y' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    await req('DELETE', `${PODS}/w1`);
    await w.until(3);
    w.stop();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal([
      'ADDED w1',
      'MODIFIED w1',
      'DELETED w1',
    ]);
  });

  it('starts a watch without a resourceVersion with the current objects as ADDED', async () => {
    const w = openWatch(f.url, `/api/v1/watch/namespaces/default/pods?labelSelector=app%3Da`);
    await w.until(1);
    w.stop();
    expect(w.events[0]).to.include({ type: 'ADDED' });
    expect(w.events[0]!.object.metadata.name).to.equal('p-a');
  });

  it('sends an object leaving the selector as DELETED', async () => {
    await req('POST', PODS, pod('leaver', { keep: 'yes' }));
    const w = openWatch(f.url, `${PODS}?watch=1&labelSelector=keep%3Dyes`);
    await w.until(1);
    await req(
      'PATCH',
      `${PODS}/leaver`,
      { metadata: { labels: { keep: 'no' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    await w.until(2);
    w.stop();
    expect(w.events.map((e) => e.type)).to.deep.equal(['ADDED', 'DELETED']);
  });

  it('sends bookmarks and ends at timeoutSeconds', async () => {
    const w = openWatch(
      f.url,
      `${PODS}?watch=true&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=1&labelSelector=none`,
    );
    await w.done;
    expect(w.events.filter((e) => e.type === 'BOOKMARK').length).to.be.greaterThan(2);
    expect(w.events[0]!.object.metadata.resourceVersion).to.match(/^\d+$/);
  });

  it('answers a watch older than the kept history with an ERROR 410 Expired event', async () => {
    for (let i = 0; i < 60; i++)
      await req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `h${i}` } });
    const w = openWatch(
      f.url,
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2`,
    );
    await w.done;
    expect(w.events).to.have.length(1);
    expect(w.events[0]!.type).to.equal('ERROR');
    expect(w.events[0]!.object).to.include({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('returns a Table with NAME READY STATUS RESTARTS AGE for pods', async () => {
    const r = await req('GET', PODS, undefined, TABLE);
    expect(r.body.kind).to.equal('Table');
    expect(r.body.columnDefinitions.map((c: { name: string }) => c.name)).to.deep.equal([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    // Rows in key order, as the real server lists: find p-a's among the pods made before.
    const row = r.body.rows.find((x: { cells: unknown[] }) => x.cells[0] === 'p-a');
    expect(row.cells.slice(0, 4)).to.deep.equal(['p-a', '1/1', 'Running', '0']);
    expect(row.object.kind).to.equal('PartialObjectMetadata');
    const full = await req('GET', `${PODS}/p-a?includeObject=Object`, undefined, TABLE);
    expect(full.body.rows[0].object.kind).to.equal('Pod');
  });

  it('holds a gated pod Pending until its last gate is removed, then runs it', async () => {
    const created = await req(
      'POST',
      PODS,
      pod('gated', {}, { schedulingGates: [{ name: 'example.com/a' }, { name: 'example.com/b' }] }),
    );
    expect(created.body.status.phase).to.equal('Pending');
    expect(created.body.status.conditions[0]).to.include({
      type: 'PodScheduled',
      status: 'False',
      reason: 'SchedulingGated',
    });
    const added = await req(
      'PATCH',
      `${PODS}/gated`,
      { spec: { schedulingGates: [{ name: 'example.com/a' }, { name: 'example.com/new' }] } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(added.status).to.equal(422);
    expect(added.body.message).to.equal(
      `Pod "gated" is invalid: spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/new'`,
    );
    await req('PATCH', `${PODS}/gated`, [{ op: 'remove', path: '/spec/schedulingGates/0' }], {
      'Content-Type': 'application/json-patch+json',
    });
    expect((await req('GET', `${PODS}/gated`)).body.status.phase).to.equal('Pending');
    await req(
      'PATCH',
      `${PODS}/gated`,
      { spec: { schedulingGates: null } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    await new Promise((r) => setTimeout(r, 50));
    const released = await req('GET', `${PODS}/gated`);
    expect(released.body.status.phase).to.equal('Running');
    expect(
      released.body.status.conditions.find((c: { type: string }) => c.type === 'Ready').status,
    ).to.equal('True');
  });
});
