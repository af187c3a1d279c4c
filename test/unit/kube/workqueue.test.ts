import { expect } from 'chai';
import { WorkQueue, namespaceOf } from '../../../src/kube/workqueue.js';
import { ExponentialFailureRateLimiter } from '../../../src/kube/rate-limiter.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';
import { FakeClock, flush } from '../../support/fake-clock.js';

function queue(clock = new FakeClock(), metrics?: OperatorMetrics) {
  return new WorkQueue({
    name: 'test',
    clock,
    metrics,
    rateLimiter: new ExponentialFailureRateLimiter(),
  });
}

describe('work queue', () => {
  it('keeps one entry per key however often it is added', async () => {
    const q = queue();
    for (const k of ['a', 'b', 'a', 'a', 'b']) q.add(k);
    expect(q.length).to.equal(2);
    expect([await q.get(), await q.get()]).to.deep.equal(['a', 'b']);
  });

  it('never hands a key to a second worker while the first is processing it', async () => {
    const q = queue();
    q.add('a');
    const first = await q.get();
    q.add('a');
    let second: string | undefined = 'none';
    void q.get().then((k) => (second = k));
    await flush();
    expect(first).to.equal('a');
    expect(second).to.equal('none');
    q.done('a');
    await flush();
    expect(second).to.equal('a');
  });

  it('processes a key again after done when it was re-added during processing, once', async () => {
    const q = queue();
    q.add('a');
    await q.get();
    q.add('a');
    q.add('a');
    expect(q.length).to.equal(0);
    q.done('a');
    expect(q.length).to.equal(1);
  });

  it('adds a key after the delay, keeping the earliest of several delays', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addAfter('a', 1000);
    q.addAfter('a', 300);
    q.addAfter('a', 5000);
    await clock.advance(299);
    expect(q.length).to.equal(0);
    await clock.advance(1);
    expect(q.length).to.equal(1);
    await clock.advance(10_000);
    expect(q.length).to.equal(1);
  });

  it('retries with growing delays until forget resets them', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.addRateLimited('a'); // 5 ms
    await clock.advance(5);
    expect(await q.get()).to.equal('a');
    q.done('a');
    q.addRateLimited('a'); // 10 ms
    await clock.advance(9);
    expect(q.length).to.equal(0);
    await clock.advance(1);
    expect(q.length).to.equal(1);
    expect(q.retries('a')).to.equal(2);
    q.forget('a');
    expect(q.retries('a')).to.equal(0);
  });

  it('on shutdown drops queued keys, wakes idle workers and waits for keys in flight', async () => {
    const clock = new FakeClock();
    const q = queue(clock);
    q.add('a');
    q.add('b');
    q.addAfter('c', 100);
    await q.get();
    let drained = false;
    const shut = q.shutDown().then(() => (drained = true));
    expect(await q.get()).to.equal(undefined);
    q.add('d');
    expect(q.length).to.equal(0);
    await flush();
    expect(drained).to.equal(false);
    q.done('a');
    await shut;
    expect(drained).to.equal(true);
    expect(clock.pending).to.equal(0);
  });

  it('reports depth, adds, retries and in-flight work as workqueue metrics', async () => {
    const clock = new FakeClock();
    const metrics = new OperatorMetrics({ processMetrics: false });
    const q = queue(clock, metrics);
    q.add('a');
    q.add('b');
    q.addRateLimited('c');
    await q.get();
    await clock.advance(2000);
    const text = (await metrics.exposition()).body;
    expect(text).to.match(/workqueue_depth\{name="test",controller="test"\} 2/);
    expect(text).to.match(/workqueue_adds_total\{name="test",controller="test"\} 3/);
    expect(text).to.match(/workqueue_retries_total\{name="test",controller="test"\} 1/);
    expect(text).to.match(
      /workqueue_longest_running_processor_seconds\{name="test",controller="test"\} 2/,
    );
  });

  describe('with a per-group limit', () => {
    const fair = (maxPerGroup = 1) =>
      new WorkQueue({
        name: 'fair',
        clock: new FakeClock(),
        rateLimiter: new ExponentialFailureRateLimiter(),
        groupOf: namespaceOf,
        maxPerGroup,
      });

    it("hands another group's later key out before a busy group's earlier ones", async () => {
      const q = fair();
      for (const k of ['tenant/a', 'tenant/b', 'tenant/c', 'victim/x']) q.add(k);
      expect(await q.get()).to.equal('tenant/a');
      expect(await q.get()).to.equal('victim/x');
      expect(q.length).to.equal(2);
    });

    it('keeps a worker waiting rather than give a group more than its share', async () => {
      const q = fair();
      q.add('tenant/a');
      q.add('tenant/b');
      expect(await q.get()).to.equal('tenant/a');
      let next: string | undefined = 'none';
      void q.get().then((k) => (next = k));
      await flush();
      expect(next).to.equal('none');
      q.add('victim/x');
      await flush();
      expect(next).to.equal('victim/x');
    });

    it("hands the group's next key out when one of its keys is done", async () => {
      const q = fair();
      q.add('tenant/a');
      q.add('tenant/b');
      expect(await q.get()).to.equal('tenant/a');
      let next: string | undefined = 'none';
      void q.get().then((k) => (next = k));
      await flush();
      expect(next).to.equal('none');
      q.done('tenant/a');
      await flush();
      expect(next).to.equal('tenant/b');
      expect(q.runningInGroup('tenant/zzz')).to.equal(1);
    });

    it('allows up to maxPerGroup keys of one group at once', async () => {
      const q = fair(2);
      for (const k of ['t/a', 't/b', 't/c', 'v/x']) q.add(k);
      expect([await q.get(), await q.get(), await q.get()]).to.deep.equal(['t/a', 't/b', 'v/x']);
    });

    it('re-queues a key added while it ran behind the limit of its group', async () => {
      const q = fair();
      q.add('t/a');
      expect(await q.get()).to.equal('t/a');
      q.add('t/a');
      q.add('t/b');
      q.done('t/a');
      expect([await q.get()]).to.deep.equal(['t/b']);
      q.done('t/b');
      expect(await q.get()).to.equal('t/a');
    });

    it('groups cluster-scoped keys together', () => {
      expect(namespaceOf('acme')).to.equal('');
      expect(namespaceOf('ns/name')).to.equal('ns');
    });
  });
});
