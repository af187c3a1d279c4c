import { expect } from 'chai';
import type { SchemaMigration, SchemaMigrationStatus } from '../../../src/api/index.js';
import { atTarget } from '../../../src/controllers/schemamigration/readiness.js';
import { parseMigration } from '../../../src/engine/index.js';

const migrations = ['004', '005', '006'].map((v) =>
  parseMigration({ name: `${v}_m.sql`, content: `SELECT ${v};` }),
);

function smig(status: SchemaMigrationStatus, targetVersion?: string): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: 1 },
    spec: {
      database: { urlSecretRef: { name: 'db' } },
      source: { bundled: 'streamspace' },
      ...(targetVersion ? { targetVersion } : {}),
    },
    status,
  } as SchemaMigration;
}

const counts = (pending: number) => ({ applied: 2, pending, changed: 0, missing: 0 });

describe('whether a restarted operator finds a SchemaMigration at its target', () => {
  it('is when the applied version is the target and nothing is pending', () =>
    expect(
      atTarget(
        smig({ appliedVersion: '006', targetVersion: '006', counts: counts(0) }),
        migrations,
      ),
    ).to.equal(true));

  it('is not when the target is above the applied version and no contract waits', () =>
    expect(
      atTarget(
        smig({ appliedVersion: '005', targetVersion: '006', counts: counts(0) }),
        migrations,
      ),
    ).to.equal(false));

  it('is when the rest waits behind a contract migration, the target among the held versions', () =>
    expect(
      atTarget(
        smig({
          appliedVersion: '005',
          targetVersion: '006',
          counts: counts(0),
          contract: { waitingVersions: ['006'], blockingCount: 1 },
        }),
        migrations,
      ),
    ).to.equal(true));

  it('is not while something before the contract is still pending', () =>
    expect(
      atTarget(
        smig({
          appliedVersion: '004',
          targetVersion: '006',
          counts: counts(1),
          contract: { waitingVersions: ['006'], blockingCount: 1 },
        }),
        migrations,
      ),
    ).to.equal(false));
});
