import { expect } from 'chai';
import { GoneError, ServerError } from '../../../src/kube/errors.js';
import { Informer } from '../../../src/kube/informer.js';
import { labelIndex } from '../../../src/kube/cache.js';
import type {
  KubeObject,
  ListResult,
  WatchEvent,
  WatchOptions,
} from '../../../src/kube/resource-client.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';
import { FakeClock, flush } from '../../support/fake-clock.js';

function cm(name: string, rv: string, labels: Record<string, string> = {}): KubeObject {
  return { metadata: { name, namespace: 'ns', resourceVersion: rv, labels } };
}

type WatchScript = (opts: WatchOptions, emit: (e: WatchEvent<KubeObject>) => void) => Promise<void>;

/** A list/watch source whose answers the test scripts. */
class FakeSource {
  ref = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
  lists: Array<() => ListResult<KubeObject>> = [];
  watches: WatchScript[] = [];
  listCalls = 0;
  watchCalls: WatchOptions[] = [];
  async list(): Promise<ListResult<KubeObject>> {
    this.listCalls++;
    const next = this.lists.shift();
    if (!next) throw new Error('no list scripted');
    return next();
  }
  async watch(opts: WatchOptions, onEvent: (e: WatchEvent<KubeObject>) => void): Promise<void> {
    this.watchCalls.push(opts);
    const next = this.watches.shift() ?? hang;
    return next(opts, onEvent);
  }
}

/** A watch that stays open until aborted. */
const hang: WatchScript = (opts) =>
  new Promise((resolve) => opts.signal?.addEventListener('abort', () => resolve(), { once: true }));

function setup(extra: Partial<ConstructorParameters<typeof Informer<KubeObject>>[0]> = {}) {
  const clock = new FakeClock();
  const source = new FakeSource();
  const metrics = new OperatorMetrics({ processMetrics: false });
  const events: string[] = [];
  const inf = new Informer<KubeObject>({
    client: source,
    clock,
    metrics,
    watchdogMs: 60_000,
    resyncMs: 0,
    backoff: { baseMs: 100, maxMs: 1000 },
    indexers: { app: labelIndex('app') },
    ...extra,
  });
  inf.on({
    add: (o) => events.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    update: (_, o) => events.push(`update ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    delete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  return { clock, source, metrics, events, inf };
}

describe('informer', () => {
  it('caches and hands to handlers only what its transform keeps, from lists and watch events', async () => {
    const slim = (o: KubeObject): KubeObject => ({ metadata: { ...o.metadata, labels: {} } });
    const { source, inf } = setup({ transform: slim });
    const seen: KubeObject[] = [];
    inf.on({ add: (o) => seen.push(o), update: (_, o) => seen.push(o) });
    source.lists.push(() => ({ items: [cm('a', '5', { app: 'x' })], resourceVersion: '10' }));
    source.watches.push(async (_opts, emit) => {
      emit({ type: 'MODIFIED', object: cm('a', '11', { app: 'y' }) });
      emit({ type: 'BOOKMARK', object: cm('', '12') });
    });
    inf.start();
    await inf.waitForSync();
    await flush();
    expect(seen.map((o) => o.metadata?.labels)).to.deep.equal([{}, {}]);
    expect(inf.cache.get('ns/a')?.metadata).to.deep.include({ resourceVersion: '11', labels: {} });
    expect(inf.lastResourceVersion).to.equal('12');
    await inf.stop();
  });

  it('lists, syncs, then watches from the list’s resourceVersion with bookmarks', async () => {
    const { source, inf, events } = setup();
    source.lists.push(() => ({ items: [cm('a', '5', { app: 'x' })], resourceVersion: '10' }));
    inf.start();
    await inf.waitForSync();
    await flush();
    expect(inf.hasSynced()).to.equal(true);
    expect(events).to.deep.equal(['add a@5']);
    expect(source.watchCalls[0]).to.include({ resourceVersion: '10', allowWatchBookmarks: true });
    expect(inf.cache.get('ns/a')?.metadata?.resourceVersion).to.equal('5');
    expect(inf.cache.byIndex('app', 'x').map((o) => o.metadata?.name)).to.deep.equal(['a']);
    await inf.stop();
  });

  it('resumes a closed watch from the last resourceVersion seen, without re-listing', async () => {
    const { source, inf, events } = setup();
    source.lists.push(() => ({ items: [], resourceVersion: '10' }));
    source.watches.push(async (_o, emit) => {
      emit({ type: 'ADDED', object: cm('a', '11') });
      emit({ type: 'MODIFIED', object: cm('a', '12') });
      emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
    });
    inf.start();
    await flush();
    expect(source.listCalls).to.equal(1);
    expect(source.watchCalls.map((w) => w.resourceVersion)).to.deep.equal(['10', '15']);
    expect(events).to.deep.equal(['add a@11', 'update a@12']);
    await inf.stop();
  });

  it('re-lists on 410 Gone and emits the difference as add, update and delete', async () => {
    const { source, inf, events, metrics } = setup();
    source.lists.push(() => ({
      items: [cm('a', '1'), cm('b', '2'), cm('c', '3')],
      resourceVersion: '10',
    }));
    source.watches.push(async () => {
      throw new GoneError('Expired', 'too old');
    });
    source.lists.push(() => ({
      items: [cm('a', '1'), cm('b', '20'), cm('d', '21')],
      resourceVersion: '30',
    }));
    inf.start();
    await flush();
    expect(events.slice(3)).to.deep.equal(['add d@21', 'update b@20', 'delete c']);
    expect(inf.cache.keys().sort()).to.deep.equal(['ns/a', 'ns/b', 'ns/d']);
    expect(source.watchCalls.at(-1)?.resourceVersion).to.equal('30');
    const relists = await metrics.informerRelists.get();
    expect(relists.values.find((v) => v.labels.cause === 'gone')?.value).to.equal(1);
    await inf.stop();
  });

  it('restarts a silent watch when the watchdog fires, and counts it', async () => {
    const { source, inf, clock, metrics } = setup();
    source.lists.push(() => ({ items: [], resourceVersion: '10' }));
    inf.start();
    await flush();
    await clock.advance(59_999);
    expect(source.watchCalls).to.have.length(1);
    await clock.advance(1);
    expect(source.watchCalls).to.have.length(2);
    expect(source.watchCalls[1]?.resourceVersion).to.equal('10');
    const m = await metrics.watchdogRestarts.get();
    expect(m.values[0]?.value).to.equal(1);
    expect(source.listCalls).to.equal(1);
    await inf.stop();
  });

  it('keeps a watch that receives bookmarks alive', async () => {
    const { source, inf, clock } = setup();
    source.lists.push(() => ({ items: [], resourceVersion: '10' }));
    let emit!: (e: WatchEvent<KubeObject>) => void;
    source.watches.push((opts, e) => ((emit = e), hang(opts, e)));
    inf.start();
    await flush();
    for (let i = 0; i < 5; i++) {
      await clock.advance(50_000);
      emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(20 + i) } } });
    }
    expect(source.watchCalls).to.have.length(1);
    expect(inf.lastResourceVersion).to.equal('24');
    await inf.stop();
  });

  it('retries failed lists with growing backoff and never gives up', async () => {
    const { source, inf, clock } = setup();
    const fail = () => {
      throw new ServerError('ServerError', 'boom');
    };
    source.lists.push(fail, fail, fail, () => ({ items: [cm('a', '1')], resourceVersion: '5' }));
    inf.start();
    await flush();
    expect(source.listCalls).to.equal(1);
    await clock.advance(100);
    expect(source.listCalls).to.equal(2);
    await clock.advance(199);
    expect(source.listCalls).to.equal(2);
    await clock.advance(1);
    expect(source.listCalls).to.equal(3);
    await clock.advance(400);
    expect(inf.hasSynced()).to.equal(true);
    await inf.stop();
  });

  it('re-lists on the resync period and reports only objects that changed', async () => {
    const { source, inf, clock, events } = setup({ resyncMs: 600_000, watchdogMs: 10_000_000 });
    source.lists.push(() => ({ items: [cm('a', '1'), cm('b', '2')], resourceVersion: '10' }));
    source.lists.push(() => ({ items: [cm('a', '1'), cm('b', '3')], resourceVersion: '11' }));
    inf.start();
    await flush();
    await clock.advance(600_000);
    expect(source.listCalls).to.equal(2);
    expect(events).to.deep.equal(['add a@1', 'add b@2', 'update b@3']);
    expect(source.watchCalls.at(-1)?.resourceVersion).to.equal('11');
    await inf.stop();
  });

  it('keeps going when a handler throws', async () => {
    const { source, inf } = setup();
    inf.on({
      add: () => {
        throw new Error('handler bug');
      },
    });
    source.lists.push(() => ({ items: [], resourceVersion: '1' }));
    source.watches.push(async (_o, emit) => emit({ type: 'ADDED', object: cm('a', '2') }));
    inf.start();
    await flush();
    expect(inf.cache.get('ns/a')).to.not.equal(undefined);
    await inf.stop();
  });

  it('passes the label selector to list and watch', async () => {
    const { source, inf } = setup({ labelSelector: 'shard=1' });
    source.lists.push(() => ({ items: [], resourceVersion: '1' }));
    inf.start();
    await flush();
    expect(source.watchCalls[0]?.labelSelector).to.equal('shard=1');
    await inf.stop();
  });
});
