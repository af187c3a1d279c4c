import { expect } from 'chai';
import { Controller, type Result } from '../../../src/kube/controller.js';
import type { Logger } from '../../../src/observability/logger.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';
import { FakeClock, flush } from '../../support/fake-clock.js';

function recordingLogger(
  lines: Array<Record<string, unknown>>,
  fields: Record<string, unknown> = {},
): Logger {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void lines.push({ level, message, ...fields, ...meta });
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => recordingLogger(lines, { ...fields, ...more }),
  };
}

function setup(reconcile: (key: string) => Promise<Result>, workers = 1) {
  const clock = new FakeClock();
  const metrics = new OperatorMetrics({ processMetrics: false });
  const lines: Array<Record<string, unknown>> = [];
  const c = new Controller({
    name: 'demo',
    workers,
    clock,
    metrics,
    logger: recordingLogger(lines),
    reconcile: (ctx, key) => {
      ctx.log.info('reconciling');
      return reconcile(key);
    },
  });
  return { c, clock, metrics, lines };
}

async function total(metrics: OperatorMetrics, result: string): Promise<number> {
  const m = await metrics.reconcileTotal.get();
  return m.values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('controller', () => {
  it('should forget a key that reconciled successfully and count a success', async () => {
    const { c, metrics, lines } = setup(async () => ({}));
    c.start();
    c.enqueue('ns/a');
    await flush();
    expect(await total(metrics, 'success')).to.equal(1);
    expect(lines[0]).to.include({ controller: 'demo', key: 'ns/a', message: 'reconciling' });
    await c.stop();
  });

  it('should requeue a key after the requested delay', async () => {
    let calls = 0;
    const { c, clock, metrics } = setup(async () =>
      ++calls === 1 ? { requeueAfterMs: 1000 } : {},
    );
    c.start();
    c.enqueue('ns/a');
    await clock.advance(999);
    expect(calls).to.equal(1);
    await clock.advance(1);
    expect(calls).to.equal(2);
    expect(await total(metrics, 'requeue_after')).to.equal(1);
    await c.stop();
  });

  it('should requeue a request with backoff if there is an error', async () => {
    let calls = 0;
    const { c, clock, metrics } = setup(async () => {
      if (++calls < 3) throw new Error('blip');
      return {};
    });
    c.start();
    c.enqueue('ns/a');
    await clock.advance(5); // first retry after 5 ms
    expect(calls).to.equal(2);
    await clock.advance(9);
    expect(calls).to.equal(2);
    await clock.advance(1); // second after 10 ms more
    expect(calls).to.equal(3);
    expect(await total(metrics, 'error')).to.equal(2);
    expect(c.queue.retries('ns/a')).to.equal(0);
    await c.stop();
  });

  it('should run different keys in parallel up to the worker count, never the same key twice', async () => {
    let active = 0;
    let peak = 0;
    const perKey = new Map<string, number>();
    const releases: Array<() => void> = [];
    const { c } = setup(async (key) => {
      active++;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      expect(perKey.get(key)).to.equal(1);
      peak = Math.max(peak, active);
      await new Promise<void>((r) => releases.push(r));
      perKey.set(key, perKey.get(key)! - 1);
      active--;
      return {};
    }, 2);
    c.start();
    for (const k of ['a', 'b', 'c', 'a']) c.enqueue(k);
    await flush();
    c.enqueue('a'); // re-added while in flight
    while (releases.length > 0 || active > 0) {
      releases.shift()?.();
      await flush();
    }
    expect(peak).to.equal(2);
    await c.stop();
  });

  it('should let a running reconcile finish on stop and take no new work', async () => {
    let release!: () => void;
    let finished = false;
    const { c } = setup(async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
      return {};
    });
    c.start();
    c.enqueue('a');
    await flush();
    const stopped = c.stop();
    c.enqueue('b');
    release();
    await stopped;
    expect(finished).to.equal(true);
    expect(c.queue.length).to.equal(0);
  });

  /** A reconcile that waits for its signal and reports the abort reason's name and message. */
  function waitsForAbort(seen: string[]) {
    return (ctx: { signal: AbortSignal }) =>
      new Promise<Result>((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          const r = ctx.signal.reason as DOMException;
          seen.push(`${r.name}: ${r.message}`);
          reject(r);
        });
      });
  }

  it("should abort a reconcile's signal when its deadline passes, and retry it", async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const c = new Controller({
      name: 'deadline',
      clock,
      reconcileTimeoutMs: 5_000,
      reconcile: waitsForAbort(seen),
    });
    c.start();
    c.enqueue('ns/a');
    await clock.advance(4_999);
    expect(seen).to.deep.equal([]);
    await clock.advance(1);
    expect(seen).to.deep.equal(['TimeoutError: the reconcile deadline of 5000 ms passed']);
    expect(c.queue.retries('ns/a')).to.equal(1);
    const stopped = c.stop(0);
    await clock.advance(1);
    await stopped;
  });

  it('should abort the running reconcile of a cancelled key only', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const c = new Controller({
      name: 'cancel',
      clock,
      workers: 2,
      reconcile: (ctx, key) => {
        ctx.signal.addEventListener('abort', () => seen.push(key));
        return waitsForAbort([])(ctx);
      },
    });
    c.start();
    c.enqueue('ns/a');
    c.enqueue('ns/b');
    await flush();
    expect(c.cancel('ns/a', 'the object was deleted')).to.equal(true);
    await flush();
    expect(seen).to.deep.equal(['ns/a']);
    expect(c.cancel('ns/zzz', 'not running')).to.equal(false);
    const stopped = c.stop(0);
    await clock.advance(1);
    await stopped;
  });

  it('should run at most maxPerGroup reconciles of one group while another group waits', async () => {
    const clock = new FakeClock();
    const started: string[] = [];
    const c = new Controller({
      name: 'fair',
      clock,
      workers: 4,
      groupOf: (k) => k.split('/')[0]!,
      maxPerGroup: 1,
      reconcile: (_ctx, key) => {
        started.push(key);
        return new Promise<Result>(() => undefined);
      },
    });
    c.start();
    for (const k of ['tenant/a', 'tenant/b', 'tenant/c', 'tenant/d']) c.enqueue(k);
    await flush();
    c.enqueue('victim/x');
    await flush();
    expect(started).to.deep.equal(['tenant/a', 'victim/x']);
    const stopped = c.stop(0);
    await clock.advance(1);
    await stopped;
  });
});
