import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import {
  claimConflict,
  claimFor,
  conflictMessage,
  ownerOf,
} from '../../../src/controllers/schemamigration/claims.js';
import { ConnectionError, LedgerOwnedError } from '../../../src/engine/index.js';

function smig(namespace: string, name: string): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { namespace, name, uid: 'u' },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: { bundled: 'streamspace' } },
  };
}

describe('SchemaMigration claims on a ledger', () => {
  it('records the owner as namespace/name, so a re-created CR is the same owner', () => {
    expect(ownerOf(smig('streamspace', 'streamspace-api'))).to.equal('streamspace/streamspace-api');
  });

  const cases: Array<{ previous: string; living: string[]; replace: boolean }> = [
    {
      previous: 'streamspace/streamspace-api',
      living: ['streamspace/streamspace-api'],
      replace: false,
    },
    { previous: 'streamspace/streamspace-api', living: [], replace: true },
    { previous: 'tenant/api', living: ['tenant/api'], replace: false },
  ];
  for (const c of cases)
    it(`${c.replace ? 'replaces' : 'keeps'} the owner ${c.previous} when ${c.living.length ? 'it exists' : 'it is gone'}`, async () => {
      const claim = claimFor(smig('tenant', 'mine'), async (k) => c.living.includes(k));
      expect(await claim.mayReplace!(c.previous)).to.equal(c.replace);
    });

  it('names the owner only when it is in the same namespace', () => {
    const mine = smig('tenant', 'mine');
    expect(conflictMessage(mine, 'tenant/other')).to.match(
      /^SchemaMigration other \(in this namespace\)/,
    );
    expect(conflictMessage(mine, 'streamspace/streamspace-api')).to.match(
      /^another SchemaMigration/,
    );
    expect(conflictMessage(mine, 'streamspace/streamspace-api')).not.to.contain('streamspace');
    expect(conflictMessage(mine, 'no-slash')).to.match(/^another SchemaMigration/);
  });

  it('turns only a ledger held by another owner into Conflict, stalled until it changes', () => {
    const mine = smig('tenant', 'mine');
    const c = claimConflict(mine, new LedgerOwnedError('"public"."h"', 'other/x'));
    expect(c?.failure.reason).to.equal('Conflict');
    expect(c?.terminal).to.equal(true);
    expect(claimConflict(mine, new ConnectionError('refused'))).to.equal(undefined);
  });
});
