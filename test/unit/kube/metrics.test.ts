import { expect } from 'chai';
import { Controller } from '../../../src/kube/controller.js';
import type {
  CounterLike,
  GaugeLike,
  HistogramLike,
  KubeMetrics,
  QueueProbe,
} from '../../../src/kube/metrics.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';

type Series = Map<string, number>;

/** A KubeMetrics of plain objects: every write lands in `series` as "metric{labels}". */
function plainMetrics(series: Series, probes: Map<string, QueueProbe>): KubeMetrics {
  const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(labels)}`;
  const add = (name: string, labels: Record<string, string>, n: number) =>
    series.set(key(name, labels), (series.get(key(name, labels)) ?? 0) + n);
  const counter = <L extends string>(name: string): CounterLike<L> => ({
    inc: (labels, n = 1) => void add(name, labels, n),
  });
  const gauge = <L extends string>(name: string): GaugeLike<L> => ({
    set: (labels, v) => void series.set(key(name, labels), v),
    inc: (labels, n = 1) => void add(name, labels, n),
    dec: (labels, n = 1) => void add(name, labels, -n),
  });
  const histogram = <L extends string>(name: string): HistogramLike<L> => ({
    observe: (labels) => void add(`${name}_count`, labels, 1),
  });
  return {
    reconcileTotal: counter('reconcileTotal'),
    reconcileErrors: counter('reconcileErrors'),
    reconcileTime: histogram('reconcileTime'),
    maxConcurrentReconciles: gauge('maxConcurrentReconciles'),
    activeWorkers: gauge('activeWorkers'),
    queueDepth: gauge('queueDepth'),
    queueAdds: counter('queueAdds'),
    queueRetries: counter('queueRetries'),
    queueLatency: histogram('queueLatency'),
    workDuration: histogram('workDuration'),
    watchdogRestarts: counter('watchdogRestarts'),
    informerRelists: counter('informerRelists'),
    leaderStatus: gauge('leaderStatus'),
    registerQueue: (name, probe) => void probes.set(name, probe),
    exposition: () => Promise.resolve({ contentType: 'text/plain', body: '' }),
  };
}

describe('kube metrics interface', () => {
  it("is satisfied by observability's OperatorMetrics as it is", () => {
    // A compile-time check: the build fails if OperatorMetrics stops fitting.
    const metrics: KubeMetrics = new OperatorMetrics({ processMetrics: false });
    expect(metrics.reconcileTotal).to.have.property('inc');
  });

  it('lets a controller record into plain objects, without a metrics library', async () => {
    const series: Series = new Map();
    const probes = new Map<string, QueueProbe>();
    const done = Promise.withResolvers<void>();
    const c = new Controller({
      name: 'demo',
      metrics: plainMetrics(series, probes),
      reconcile: () => {
        done.resolve();
        return Promise.resolve({});
      },
    });
    c.start();
    c.enqueue('ns/a');
    await done.promise;
    await c.stop();
    const ctl = JSON.stringify({ controller: 'demo' });
    const queue = JSON.stringify({ name: 'demo', controller: 'demo' });
    expect(
      series.get(`reconcileTotal${JSON.stringify({ controller: 'demo', result: 'success' })}`),
    ).to.equal(1);
    expect(series.get(`maxConcurrentReconciles${ctl}`)).to.equal(1);
    expect(series.get(`activeWorkers${ctl}`)).to.equal(0);
    expect(series.get(`reconcileTime_count${ctl}`)).to.equal(1);
    expect(series.get(`queueAdds${queue}`)).to.equal(1);
    expect(series.get(`workDuration_count${queue}`)).to.equal(1);
    expect(probes.get('demo')?.unfinishedWorkSeconds()).to.equal(0);
  });
});
