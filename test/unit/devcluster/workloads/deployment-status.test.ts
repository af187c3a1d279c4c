import { expect } from 'chai';
import type { KubeObject } from '../../../../src/devcluster/object.js';
import { deploymentStatus } from '../../../../src/devcluster/workloads/deployment-status.js';

const rs = (name: string, status: Record<string, number>): KubeObject => ({
  metadata: { name },
  spec: {},
  status,
});

const deployment = (replicas: number, status: object = {}): KubeObject => ({
  metadata: { name: 'web', generation: 4 },
  spec: { replicas },
  status,
});

const condition = (s: Record<string, unknown>, type: string): Record<string, string> =>
  (s.conditions as Array<Record<string, string>>).find((c) => c.type === type)!;

describe('devcluster Deployment status', () => {
  const T0 = new Date('2026-01-01T00:00:00Z');
  const T1 = new Date('2026-01-01T00:01:00Z');
  const full = rs('web-new', { replicas: 3, readyReplicas: 3, availableReplicas: 3 });

  it('says NewReplicaSetAvailable once every replica is updated and available', () => {
    const s = deploymentStatus({
      deployment: deployment(3),
      newRS: full,
      all: [full],
      unavailable: 0,
      now: T0,
    });
    expect(s).to.include({
      observedGeneration: 4,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
    });
    expect(condition(s, 'Progressing')).to.include({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(condition(s, 'Available')).to.include({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect((s.conditions as Array<{ type: string }>).map((c) => c.type)).to.deep.equal([
      'Available',
      'Progressing',
    ]);
  });

  it('says ReplicaSetUpdated while old replicas remain', () => {
    const newRS = rs('web-new', { replicas: 1, readyReplicas: 1, availableReplicas: 1 });
    const old = rs('web-old', { replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    const s = deploymentStatus({
      deployment: deployment(3),
      newRS,
      all: [old, newRS],
      unavailable: 0,
      now: T0,
    });
    expect(s).to.include({ replicas: 4, updatedReplicas: 1, availableReplicas: 4 });
    expect(condition(s, 'Progressing')).to.include({
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-new" is progressing.',
    });
  });

  it('is not Available below replicas - maxUnavailable', () => {
    const gated = rs('web-new', { replicas: 3 });
    const s = deploymentStatus({
      deployment: deployment(3),
      newRS: gated,
      all: [gated],
      unavailable: 1,
      now: T0,
    });
    expect(condition(s, 'Available')).to.include({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    expect(s.unavailableReplicas).to.equal(3);
  });

  it('keeps the times of an unchanged condition, so an unchanged status is not written again', () => {
    const first = deploymentStatus({
      deployment: deployment(3),
      newRS: full,
      all: [full],
      unavailable: 0,
      now: T0,
    });
    const again = deploymentStatus({
      deployment: deployment(3, first),
      newRS: full,
      all: [full],
      unavailable: 0,
      now: T1,
    });
    expect(again).to.deep.equal(first);
  });

  it('moves lastUpdateTime but keeps lastTransitionTime when only the reason changes', () => {
    const starting = rs('web-new', { replicas: 1 });
    const started = rs('web-new', { replicas: 1, availableReplicas: 1 });
    const at = (status: object, newRS: KubeObject, now: Date) =>
      deploymentStatus({
        deployment: deployment(1, status),
        newRS,
        all: [newRS],
        unavailable: 0,
        now,
      });
    const first = at({}, starting, T0);
    expect(condition(first, 'Progressing').reason).to.equal('ReplicaSetUpdated');
    const next = at(first, started, T1);
    expect(condition(next, 'Progressing')).to.include({
      reason: 'NewReplicaSetAvailable',
      lastTransitionTime: '2026-01-01T00:00:00Z',
      lastUpdateTime: '2026-01-01T00:01:00Z',
    });
  });
});
