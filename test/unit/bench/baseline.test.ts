import { expect } from 'chai';
import { join } from 'node:path';
import {
  builds,
  checkoutOf,
  deploymentNodeFlags,
  sideBySide,
  THIS_BUILD,
} from '../../bench/baseline.js';
import { baselineTable, configurations, onlyFragments } from '../../bench/fleet.js';
import type { FleetResult } from '../../bench/fleet-run.js';

describe('benchmark baselines', () => {
  it('runs the baseline build first when BENCH_BASELINE names a checkout', () => {
    expect(builds({})).to.deep.equal([THIS_BUILD]);
    expect(builds({ BENCH_BASELINE: '/src/main' })).to.deep.equal([
      { name: 'baseline', cli: join('/src/main', 'dist', 'src', 'cli', 'main.js') },
      THIS_BUILD,
    ]);
  });

  it('puts two runs side by side with the ratio this / baseline, matched by measure', () => {
    const table = sideBySide(
      [
        ['all Ready', '10.0 s', 'at most 30 s'],
        ['peak RSS', '200 MB', ''],
        ['only before', '1', ''],
      ],
      [
        ['all Ready', '5.0 s', 'at most 30 s'],
        ['peak RSS', '150 MB', ''],
        ['only now', '2', ''],
      ],
    );
    const lines = table.split('\n');
    expect(lines[0]).to.match(/measure.*baseline.*this.*ratio.*goal/);
    expect(lines.find((l) => l.includes('all Ready'))).to.match(
      /10\.0 s.*5\.0 s.*0\.50x.*at most 30 s/,
    );
    expect(lines.find((l) => l.includes('peak RSS'))).to.match(/200 MB.*150 MB.*0\.75x/);
    expect(lines.find((l) => l.includes('only now'))).to.match(/\| *- *\| *2 *\|/);
    expect(lines.find((l) => l.includes('only before'))).to.match(/\| *1 *\| *- *\|/);
  });

  it('fleet: BENCH_FLEET_ONLY splits on ; when it has one, since labels hold commas', () => {
    expect(onlyFragments('workers 1,shards')).to.deep.equal(['workers 1', 'shards']);
    expect(onlyFragments('5000 orgs, workers 4;no operator')).to.deep.equal([
      '5000 orgs, workers 4',
      'no operator',
    ]);
    expect(onlyFragments(undefined)).to.equal(undefined);
  });

  it('fleet: each configuration runs with both builds, the floor (no operator) once', () => {
    const labels = configurations({
      sizes: [5000],
      only: ['5000 orgs, workers 4', 'no operator'],
      baseline: '/src/main',
    }).map((c) => `${c.label} ${c.build?.cli ?? '-'}`);
    expect(labels).to.deep.equal([
      '5000 orgs, no operator -',
      `5000 orgs, workers 4 [baseline] ${join('/src/main', 'dist', 'src', 'cli', 'main.js')}`,
      `5000 orgs, workers 4 [this] ${THIS_BUILD.cli}`,
    ]);
  });

  it('fleet: BENCH_FLEET_PAIRS runs the builds in pairs, swapping their order every other pair', () => {
    const labels = configurations({
      sizes: [5000],
      only: ['5000 orgs, workers 4'],
      baseline: '/src/main',
      pairs: 3,
    }).map((c) => c.label);
    expect(labels).to.deep.equal([
      '5000 orgs, workers 4 #1 [baseline]',
      '5000 orgs, workers 4 #1 [this]',
      '5000 orgs, workers 4 #2 [this]',
      '5000 orgs, workers 4 #2 [baseline]',
      '5000 orgs, workers 4 #3 [baseline]',
      '5000 orgs, workers 4 #3 [this]',
    ]);
  });

  it('fleet: the ratio table gives each pair, then the median ratio of the pairs', () => {
    const result = (build: string, pair: number, readyMs: number): FleetResult =>
      ({
        config: { label: `5000 orgs #${pair} [${build}]`, build: { name: build } },
        objects: 100,
        readyMs,
        requests: 400,
        usage: [{ peakRssMiB: 150, cpuSeconds: 10 }],
      }) as FleetResult;
    const table = baselineTable([
      result('baseline', 1, 40_000),
      result('this', 1, 20_000),
      result('this', 2, 30_000),
      result('baseline', 2, 30_000),
      result('baseline', 3, 40_000),
      result('this', 3, 30_000),
    ]);
    const rows = table.split('\n').slice(2);
    expect(rows.map((r) => r.split('|')[3]!.trim())).to.deep.equal([
      '0.50x',
      '1.00x',
      '0.75x',
      '0.75x',
    ]);
    expect(rows.at(-1)).to.match(/^\| median of the pairs /);
  });

  it("runs each build's operator with its Deployment's NODE_OPTIONS flags", () => {
    const checkout = checkoutOf(THIS_BUILD.cli);
    expect(checkoutOf(join('/src/main', 'dist', 'src', 'cli', 'main.js'))).to.equal('/src/main');
    expect(deploymentNodeFlags(checkout)).to.include('--max-semi-space-size=2');
    expect(deploymentNodeFlags('/no/such/checkout')).to.deep.equal([]);
  });
});
