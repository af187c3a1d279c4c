import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { schemaReady } from '../../../src/controllers/schema-ready.js';

function smig(
  generation: number,
  ready: 'True' | 'False',
  observedGeneration: number,
  over: { reason?: string; statusGeneration?: number; appliedVersion?: string } = {},
) {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: {} },
    status: {
      observedGeneration: over.statusGeneration ?? observedGeneration,
      ...(over.appliedVersion ? { appliedVersion: over.appliedVersion } : {}),
      conditions: [
        {
          type: 'Ready',
          status: ready,
          reason: over.reason ?? 'r',
          message: '',
          observedGeneration,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  } as SchemaMigration;
}

describe('controllers/schema-ready', () => {
  const cases: Array<[string, SchemaMigration, boolean]> = [
    ['Ready for the current generation', smig(2, 'True', 2), true],
    ['Ready for an older generation', smig(2, 'True', 1), false],
    ['not Ready', smig(2, 'False', 2), false],
    [
      'awaiting approval over an applied schema for this generation',
      smig(2, 'False', 2, { reason: 'AwaitingApproval', appliedVersion: '3' }),
      true,
    ],
    [
      'awaiting approval with nothing applied yet',
      smig(2, 'False', 2, { reason: 'AwaitingApproval' }),
      false,
    ],
    [
      'awaiting approval for an older generation',
      smig(2, 'False', 1, { reason: 'AwaitingApproval', appliedVersion: '3' }),
      false,
    ],
    [
      'awaiting approval with a status for an older generation',
      smig(2, 'False', 2, { reason: 'AwaitingApproval', appliedVersion: '3', statusGeneration: 1 }),
      false,
    ],
    [
      'failing with another reason over an applied schema',
      smig(2, 'False', 2, { reason: 'MigrationFailed', appliedVersion: '3' }),
      false,
    ],
  ];
  for (const [what, s, expected] of cases)
    it(`is ${expected} when ${what}`, () => expect(schemaReady(s)).to.equal(expected));
});
