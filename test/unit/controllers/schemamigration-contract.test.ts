import { expect } from 'chai';
import {
  blockingSignature,
  contractPod,
  contractStatus,
  contractWait,
  waitMessage,
  workloadOf,
} from '../../../src/controllers/schemamigration/contract.js';
import type { GatedPod } from '../../../src/controllers/pod-annotations.js';
import { parseMigration } from '../../../src/engine/index.js';

const CONTRACT = parseMigration({
  name: '006_drop_fullname.sql',
  content: '-- schema-operator: contract\nALTER TABLE users DROP COLUMN fullname;',
});

interface PodSpec {
  name: string;
  minVersion?: string;
  gated?: boolean;
  terminating?: boolean;
  owner?: { kind: string; name: string; controller?: boolean };
  hash?: string;
}

function pod(p: PodSpec): GatedPod {
  const annotations: Record<string, string> = { 'schema.streamspace.io/migration': 'api' };
  if (p.minVersion !== undefined) annotations['schema.streamspace.io/min-version'] = p.minVersion;
  return {
    metadata: {
      name: p.name,
      namespace: 'ns',
      uid: `uid-${p.name}`,
      annotations,
      labels: p.hash ? { 'pod-template-hash': p.hash } : {},
      ...(p.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
      ...(p.owner
        ? {
            ownerReferences: [{ apiVersion: 'apps/v1', uid: 'o', controller: true, ...p.owner }],
          }
        : {}),
    },
    spec: p.gated ? { schedulingGates: [{ name: 'schema.streamspace.io/ready' }] } : {},
  };
}

describe('contract migrations and the pods that name their SchemaMigration', () => {
  const cases: Array<[string, PodSpec, boolean]> = [
    [
      'a running pod at the version before the contract does not block',
      { name: 'a', minVersion: '005' },
      false,
    ],
    ['a running pod past it does not block', { name: 'a', minVersion: '006' }, false],
    ['a running pod below it blocks', { name: 'a', minVersion: '004' }, true],
    ['a pod without min-version blocks (it needs the oldest schema)', { name: 'a' }, true],
    ['a pod whose min-version is not a version blocks', { name: 'a', minVersion: 'latest' }, true],
    [
      'a terminating pod below it still blocks',
      { name: 'a', minVersion: '004', terminating: true },
      true,
    ],
    [
      'a terminating pod at it does not block',
      { name: 'a', minVersion: '005', terminating: true },
      false,
    ],
    [
      'a gated pod counts by its min-version: at it, no block',
      { name: 'a', minVersion: '005', gated: true },
      false,
    ],
    [
      'a gated pod counts by its min-version: below it, a block',
      { name: 'a', minVersion: '003', gated: true },
      true,
    ],
    ['a gated pod without min-version blocks', { name: 'a', gated: true }, true],
    ['versions compare as numbers: 5 is 005', { name: 'a', minVersion: '5' }, false],
  ];
  for (const [title, spec, blocked] of cases) {
    it(title, () => {
      const w = contractWait(CONTRACT, '005', [pod(spec)]);
      expect(w.blocking.map((p) => p.name)).to.deep.equal(blocked ? ['a'] : []);
    });
  }

  it('takes the pods it is given: the caller passes only those naming this SchemaMigration in its namespace', () => {
    // The shared informer's index is by `ns/name`: other namespaces and other CRs never arrive.
    expect(contractWait(CONTRACT, '005', []).blocking).to.deep.equal([]);
  });

  it('lets a first-file contract pass pods with any min-version but not pods without one', () => {
    const w = contractWait(CONTRACT, null, [
      pod({ name: 'a', minVersion: '001' }),
      pod({ name: 'b' }),
    ]);
    expect(w.blocking.map((p) => p.name)).to.deep.equal(['b']);
  });

  describe('deadlock', () => {
    it('is a gated pod needing the contract version or later while old pods block it', () => {
      const w = contractWait(CONTRACT, '005', [
        pod({ name: 'old', minVersion: '004' }),
        pod({ name: 'new-006', minVersion: '006', gated: true }),
        pod({ name: 'new-007', minVersion: '007', gated: true }),
        pod({ name: 'new-005', minVersion: '005', gated: true }),
        pod({ name: 'released-006', minVersion: '006' }),
      ]);
      expect(w.deadlocked.map((p) => p.name)).to.deep.equal(['new-006', 'new-007']);
      expect(waitMessage(w)).to.match(/^deadlock: gated pod\(s\) new-006 .* need version 006/);
    });

    it('is not reported when nothing blocks (the contract runs)', () => {
      const w = contractWait(CONTRACT, '005', [
        pod({ name: 'new', minVersion: '006', gated: true }),
      ]);
      expect(w.blocking).to.deep.equal([]);
      expect(w.deadlocked).to.deep.equal([]);
    });
  });

  describe('the owning workload', () => {
    it("names a ReplicaSet's Deployment when its name is the Deployment's plus the pod-template-hash", () =>
      expect(
        workloadOf(
          pod({ name: 'a', owner: { kind: 'ReplicaSet', name: 'api-7d9f8' }, hash: '7d9f8' }),
        ),
      ).to.equal('Deployment/api'));

    it('names the ReplicaSet when its name does not end in the hash', () =>
      expect(
        workloadOf(
          pod({ name: 'a', owner: { kind: 'ReplicaSet', name: 'api-rs' }, hash: '7d9f8' }),
        ),
      ).to.equal('ReplicaSet/api-rs'));

    it('names any other owner by kind and name, and none when there is none', () => {
      expect(workloadOf(pod({ name: 'a', owner: { kind: 'StatefulSet', name: 'db' } }))).to.equal(
        'StatefulSet/db',
      );
      expect(workloadOf(pod({ name: 'a' }))).to.equal(undefined);
    });
  });

  it('names at most 5 blocking pods with their workload, and how many more', () => {
    const pods = Array.from({ length: 7 }, (_, i) =>
      pod({
        name: `api-${i}`,
        minVersion: '004',
        owner: { kind: 'ReplicaSet', name: 'api-h' },
        hash: 'h',
      }),
    );
    const m = waitMessage(contractWait(CONTRACT, '005', pods));
    expect(m).to.match(
      /^contract migration 006_drop_fullname waits for 7 pod\(s\) .*min-version 005 or later\): api-0 \(Deployment\/api, min-version 004\), /,
    );
    expect(m).to.match(/api-4 \(Deployment\/api, min-version 004\) and 2 more$/);
    expect(m).to.not.include('api-5');
  });

  it('writes status with the held versions, the needed version and the blocking pods', () => {
    const w = contractWait(CONTRACT, '005', [
      pod({ name: 'x' }),
      pod({ name: 'y', minVersion: '004' }),
    ]);
    expect(contractStatus(w, ['006', '007'])).to.deep.equal({
      waitingVersions: ['006', '007'],
      neededVersion: '005',
      blockingCount: 2,
      blockingPods: [{ name: 'x' }, { name: 'y', minVersion: '004' }],
    });
  });

  it('changes the blocking signature when a blocking pod goes, not when nothing changes', () => {
    const two = contractStatus(
      contractWait(CONTRACT, '005', [pod({ name: 'x' }), pod({ name: 'y' })]),
      ['006'],
    );
    const again = contractStatus(
      contractWait(CONTRACT, '005', [pod({ name: 'y' }), pod({ name: 'x' })]),
      ['006'],
    );
    const one = contractStatus(contractWait(CONTRACT, '005', [pod({ name: 'y' })]), ['006']);
    expect(blockingSignature(two)).to.equal(blockingSignature(again));
    expect(blockingSignature(two)).to.not.equal(blockingSignature(one));
  });

  it('reads a pod: gated, min-version, uid', () =>
    expect(contractPod(pod({ name: 'a', minVersion: '004', gated: true }))).to.deep.equal({
      name: 'a',
      uid: 'uid-a',
      gated: true,
      minVersion: '004',
    }));
});
