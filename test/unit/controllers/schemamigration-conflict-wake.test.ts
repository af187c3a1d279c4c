import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { refusedForConflict } from '../../../src/controllers/schemamigration/setup.js';

function smig(
  name: string,
  failed?: { status: 'True' | 'False'; reason: string },
): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name, namespace: 'ns', generation: 1 },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: { bundled: 'streamspace' } },
    ...(failed
      ? {
          status: {
            conditions: [
              {
                type: 'Failed',
                ...failed,
                message: '',
                lastTransitionTime: '2026-01-01T00:00:00Z',
                observedGeneration: 1,
              },
            ],
          },
        }
      : {}),
  } as SchemaMigration;
}

describe('waking SchemaMigrations when another is deleted', () => {
  it('wakes only those refused with Conflict, not every CR', () => {
    const all = [
      smig('ready', { status: 'False', reason: 'Succeeded' }),
      smig('refused', { status: 'True', reason: 'Conflict' }),
      smig('broken', { status: 'True', reason: 'SQLError' }),
      smig('new'),
      smig('was-refused', { status: 'False', reason: 'Conflict' }),
    ];
    expect(refusedForConflict(all).map((o) => o.metadata.name)).to.deep.equal(['refused']);
  });
});
