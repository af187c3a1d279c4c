import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import {
  lastGone,
  releasedBelowMinVersion,
  type PodSample,
  type Samples,
  type SmigSample,
} from '../../support/rollout-timeline.js';

const pod = (
  rv: number,
  name: string,
  o: Partial<Omit<PodSample, 'rv' | 'name'>> = {},
): PodSample => ({ at: rv, rv, type: 'MODIFIED', name, released: true, minVersion: '005', ...o });

const smig = (rv: number, appliedVersion?: string): SmigSample => ({
  at: rv,
  rv,
  obj: { status: appliedVersion ? { appliedVersion } : {} } as SchemaMigration,
});

describe('the rollout timeline', () => {
  const cases: Array<{ what: string; s: Samples; bad: string[] }> = [
    {
      what: 'a pod released after the status reached its min-version',
      s: { pods: [pod(3, 'a')], smigs: [smig(1, '004'), smig(2, '005')] },
      bad: [],
    },
    {
      what: 'a pod released before the status reached its min-version',
      s: { pods: [pod(2, 'a')], smigs: [smig(1, '004'), smig(3, '005')] },
      bad: ['a'],
    },
    {
      what: 'a pod released before any status, though delivered after it',
      s: { pods: [pod(1, 'a', { at: 9 })], smigs: [smig(2, '005')] },
      bad: ['a'],
    },
    {
      what: 'a pod still gated below its min-version',
      s: { pods: [pod(2, 'a', { released: false })], smigs: [smig(1, '004')] },
      bad: [],
    },
    {
      what: 'a pod deleted below its min-version',
      s: { pods: [pod(2, 'a', { type: 'DELETED' })], smigs: [smig(1, '004')] },
      bad: [],
    },
    {
      what: 'a released pod with no min-version',
      s: { pods: [pod(2, 'a', { minVersion: undefined })], smigs: [smig(1)] },
      bad: [],
    },
  ];
  for (const c of cases)
    it(`${c.bad.length ? 'flags' : 'accepts'} ${c.what}`, () => {
      expect(releasedBelowMinVersion(c.s).map((p) => p.name)).to.deep.equal(c.bad);
    });

  it('finds the deletion of the last matching pod to go', () => {
    const pods = [
      pod(1, 'a', { type: 'DELETED', minVersion: '004' }),
      pod(2, 'b', { type: 'DELETED', minVersion: '004' }),
      pod(3, 'c', { type: 'DELETED' }),
    ];
    expect(lastGone({ pods, smigs: [] }, (p) => p.minVersion === '004')?.name).to.equal('b');
    expect(lastGone({ pods, smigs: [] }, (p) => p.minVersion === '003')).to.equal(undefined);
  });
});
