import { expect } from 'chai';
import {
  newReplicaSetSize,
  oldReplicaSetSizes,
  resolveFenceposts,
  scaledValue,
  type RolloutState,
} from '../../../../src/devcluster/workloads/rollout.js';

describe('devcluster rolling update arithmetic', () => {
  const fenceposts: Array<
    [string, number | string | undefined, number | string | undefined, number, number, number]
  > = [
    ['defaults to 25% and 25% of 4: one up, one down', undefined, undefined, 4, 1, 1],
    ['rounds surge up and unavailable down', '25%', '25%', 3, 1, 0],
    ['takes integers as they are', 2, 0, 3, 2, 0],
    ['reads integers written as strings', '2', '1', 10, 2, 1],
    ['makes unavailable 1 when both come out 0', '0%', '10%', 3, 0, 1],
    ['scales 50% of 5 to 3 surge and 2 unavailable', '50%', '50%', 5, 3, 2],
  ];
  for (const [title, surge, unavailable, replicas, wantSurge, wantUnavailable] of fenceposts) {
    it(`resolves fenceposts: ${title}`, () => {
      expect(resolveFenceposts(surge, unavailable, replicas)).to.deep.equal({
        surge: wantSurge,
        unavailable: wantUnavailable,
      });
    });
  }

  it('refuses a malformed percentage', () => {
    expect(() => scaledValue('ten%', 3, true)).to.throw(TypeError, /invalid value/);
  });

  const state = (s: Partial<RolloutState>): RolloutState => ({
    replicas: 3,
    surge: 1,
    unavailable: 0,
    newReplicas: 0,
    newAvailable: 0,
    old: [{ replicas: 3, available: 3 }],
    ...s,
  });

  it('grows the new ReplicaSet only by maxSurge while the old one is full', () => {
    expect(newReplicaSetSize(state({}))).to.equal(1);
    expect(newReplicaSetSize(state({ newReplicas: 1 }))).to.equal(1);
  });

  it('grows the new ReplicaSet as far as the old one shrank', () => {
    expect(
      newReplicaSetSize(state({ newReplicas: 1, old: [{ replicas: 2, available: 2 }] })),
    ).to.equal(2);
  });

  it('shrinks a new ReplicaSet larger than the Deployment straight to its size', () => {
    expect(newReplicaSetSize(state({ newReplicas: 5, old: [] }))).to.equal(3);
  });

  it('keeps the old ReplicaSet while the new pods are not available (maxUnavailable 0)', () => {
    expect(oldReplicaSetSizes(state({ newReplicas: 1, newAvailable: 0 }))).to.deep.equal([3]);
  });

  it('shrinks the old ReplicaSet by the new pods that became available', () => {
    expect(oldReplicaSetSizes(state({ newReplicas: 1, newAvailable: 1 }))).to.deep.equal([2]);
  });

  it('drops unavailable old pods first: they cost no availability', () => {
    const s = state({
      unavailable: 1,
      newReplicas: 1,
      newAvailable: 1,
      old: [{ replicas: 3, available: 1 }],
    });
    expect(oldReplicaSetSizes(s)).to.deep.equal([1]);
  });

  it('drops no more than the budget allows, unavailable pods included', () => {
    const s = state({ newReplicas: 1, newAvailable: 1, old: [{ replicas: 3, available: 1 }] });
    expect(oldReplicaSetSizes(s)).to.deep.equal([2]);
  });

  it('shrinks the oldest ReplicaSet first', () => {
    const s = state({
      replicas: 4,
      newReplicas: 2,
      newAvailable: 2,
      old: [
        { replicas: 1, available: 1 },
        { replicas: 2, available: 2 },
      ],
    });
    expect(oldReplicaSetSizes(s)).to.deep.equal([0, 2]);
  });

  it('lets maxUnavailable old pods go before any new pod is available', () => {
    const s = state({
      replicas: 4,
      surge: 1,
      unavailable: 1,
      newReplicas: 1,
      old: [{ replicas: 4, available: 4 }],
    });
    expect(oldReplicaSetSizes(s)).to.deep.equal([3]);
  });

  /** Runs a rollout where every pod becomes available at once; returns the pod counts per step. */
  function simulate(replicas: number, surge: number | string, unavailable: number | string) {
    const f = resolveFenceposts(surge, unavailable, replicas);
    let s: RolloutState = {
      replicas,
      ...f,
      newReplicas: 0,
      newAvailable: 0,
      old: [{ replicas, available: replicas }],
    };
    const steps: Array<{ total: number; available: number }> = [];
    for (let i = 0; i < 100 && (s.newReplicas < replicas || s.old[0]!.replicas > 0); i++) {
      const grown = newReplicaSetSize(s);
      s = { ...s, newReplicas: grown };
      steps.push({
        total: grown + s.old[0]!.replicas,
        available: s.newAvailable + s.old[0]!.available,
      });
      const [oldSize] = oldReplicaSetSizes(s);
      s = {
        ...s,
        old: [{ replicas: oldSize!, available: Math.min(oldSize!, s.old[0]!.available) }],
      };
      steps.push({ total: grown + oldSize!, available: s.newAvailable + s.old[0]!.available });
      s = { ...s, newAvailable: s.newReplicas };
    }
    return { steps, done: s.newReplicas === replicas && s.old[0]!.replicas === 0, f };
  }

  for (const [replicas, surge, unavailable] of [
    [3, '25%', '25%'],
    [3, 1, 0],
    [10, '30%', '20%'],
    [5, 0, 2],
    [1, 0, 0],
  ] as const) {
    it(`rolls ${replicas} replicas with surge ${surge} and unavailable ${unavailable} within both bounds`, () => {
      const { steps, done, f } = simulate(replicas, surge, unavailable);
      expect(done, 'the rollout finishes').to.equal(true);
      for (const step of steps) {
        expect(step.total).to.be.at.most(replicas + f.surge);
        expect(step.available).to.be.at.least(replicas - f.unavailable);
      }
    });
  }
});
