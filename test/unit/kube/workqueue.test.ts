import { expect } from 'chai';
import { WorkQueue } from '../../../src/kube/workqueue.js';
import { ExponentialFailureRateLimiter } from '../../../src/kube/rate-limiter.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';
import { FakeClock, flush } from './support/fake-clock.js';

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
});
