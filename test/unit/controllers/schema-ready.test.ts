import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { schemaReady } from '../../../src/controllers/schema-ready.js';

function smig(generation: number, ready: 'True' | 'False', observedGeneration: number) {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: {} },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready,
          reason: 'r',
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
  ];
  for (const [what, s, expected] of cases)
    it(`is ${expected} when ${what}`, () => expect(schemaReady(s)).to.equal(expected));
});
