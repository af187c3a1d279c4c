import { expect } from 'chai';
import { exportedNames, metricNames } from '../../support/observability/promql.js';

describe('metricNames', () => {
  it('names every selector, inside functions, aggregations and binary expressions', () => {
    const expr =
      'histogram_quantile(0.95, sum by (le) (rate(a_seconds_bucket{x="y"}[5m]))) / on (x) b_total';
    expect(metricNames(expr)).to.deep.equal(['a_seconds_bucket', 'b_total']);
  });

  it('does not take label names, functions or grouping labels for metrics', () => {
    expect(metricNames('max by (name) (workqueue_depth{name="q"})')).to.deep.equal([
      'workqueue_depth',
    ]);
  });

  it('throws on a query Prometheus would refuse', () => {
    expect(() => metricNames('sum(rate(x[5m])')).to.throw(/does not parse/);
  });
});

describe('exportedNames', () => {
  it('adds the series of histograms to their family', () => {
    const text = '# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 0\n# TYPE c counter\nc 1\n';
    expect([...exportedNames(text)].sort()).to.deep.equal([
      'c',
      'h',
      'h_bucket',
      'h_count',
      'h_sum',
    ]);
  });
});
