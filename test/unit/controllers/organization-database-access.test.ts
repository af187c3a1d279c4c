import { expect } from 'chai';
import { org, smig, world } from '../../support/organization-world.js';

/** A SchemaMigration db/api, Ready, that does not say Organizations may use it. */
function closed(allow?: boolean) {
  const s = smig(true);
  if (allow === undefined) delete s.spec.allowOrganizations;
  else s.spec.allowOrganizations = allow;
  return s;
}

describe('which databases and rows an Organization may write', () => {
  for (const allow of [undefined, false])
    it(`writes nothing to a database whose SchemaMigration has allowOrganizations ${String(allow)}, and says so`, async () => {
      const w = world();
      w.smigs.set('db/api', closed(allow));
      w.add(org('acme'));
      await w.run('acme');
      expect(w.condition('acme', 'DatabaseSynced')).to.include({
        status: 'False',
        reason: 'OrganizationsNotAllowed',
      });
      expect(w.condition('acme', 'DatabaseSynced')!.message).to.contain('spec.allowOrganizations');
      expect(w.orgs.get('acme')!.status!.phase).to.equal('Conflict');
      expect(w.table.rows.size).to.equal(0);
      expect(w.held.size).to.equal(0);
    });

  it('writes the row once the SchemaMigration allows Organizations', async () => {
    const w = world();
    w.smigs.set('db/api', closed(false));
    w.add(org('acme'));
    await w.run('acme');
    w.smigs.set('db/api', closed(true));
    await w.run('acme');
    expect(w.condition('acme', 'Ready')).to.include({ status: 'True' });
    expect(w.table.recorded.get('acme')).to.deep.equal({ uid: 'uid-acme', created: true });
  });

  it('on deletion touches nothing in a database that refuses Organizations, and lets the object go', async () => {
    const w = world();
    w.smigs.set('db/api', closed(true));
    w.add(org('acme', { deletionPolicy: 'Delete' }));
    await w.run('acme');
    w.smigs.set('db/api', closed(false));
    w.orgs.get('acme')!.metadata.deletionTimestamp = 'now';
    await w.run('acme');
    expect(w.table.rows.get('acme')!.status).to.equal('active');
    expect(w.orgs.has('acme')).to.equal(false);
    expect(w.events.at(-1)).to.equal('Warning RowNotMarked acme');
  });

  it('never takes over a row it did not create: RowConflict, nothing written', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.table.rows.set('acme', {
      id: 'acme',
      name: 'acme',
      displayName: 'Made by the API',
      description: null,
      namespace: 'streamspace',
      status: 'active',
      uid: '',
      adoptUnrecorded: false,
      writes: 0,
    });
    w.add(org('acme', { suspended: true }));
    await w.run('acme');
    expect(w.condition('acme', 'DatabaseSynced')).to.include({
      status: 'False',
      reason: 'RowConflict',
    });
    expect(w.table.rows.get('acme')).to.include({ displayName: 'Made by the API', writes: 0 });
  });

  it('with Delete keeps a row it did not create, even after taking it back from a deleted org', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.add(org('acme', { namespace: 'streamspace' }));
    await w.run('acme');
    w.orgs.get('acme')!.metadata.deletionTimestamp = 'now';
    await w.run('acme');
    expect(w.table.rows.get('acme')!.status).to.equal('deleted');
    w.add(org('acme', { namespace: 'streamspace', deletionPolicy: 'Delete' }, { uid: 'new' }));
    await w.run('acme');
    expect(w.condition('acme', 'Ready')).to.include({ status: 'True' });
    w.orgs.get('acme')!.metadata.deletionTimestamp = 'now';
    await w.run('acme');
    expect(w.table.rows.get('acme')!.status).to.equal('active');
    expect(w.events.at(-1)).to.equal('Normal Deleted acme');
  });
});

describe('rows written before the operator recorded them (an upgrade)', () => {
  const unrecorded = () => ({
    id: 'acme',
    name: 'acme',
    displayName: 'Org acme',
    description: null,
    namespace: 'streamspace',
    status: 'active',
    uid: '',
    adoptUnrecorded: false,
    writes: 0,
  });
  const synced = (generation: number) => ({
    conditions: [
      {
        type: 'DatabaseSynced',
        status: 'True' as const,
        reason: 'Synced',
        message: 'row written',
        observedGeneration: generation,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  });

  it('takes its row back when its own status says it wrote it for this spec', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.table.rows.set('acme', unrecorded());
    const o = w.add(org('acme', { namespace: 'streamspace' }));
    o.status = synced(1);
    await w.run('acme');
    expect(w.condition('acme', 'Ready')).to.include({ status: 'True' });
    expect(w.table.recorded.get('acme')).to.deep.equal({ uid: 'uid-acme', created: false });
  });

  it('does not when the spec changed since (another databaseRef, say)', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.table.rows.set('acme', unrecorded());
    const o = w.add(org('acme', { namespace: 'streamspace' }, { generation: 2 }));
    o.status = synced(1);
    await w.run('acme');
    expect(w.condition('acme', 'DatabaseSynced')).to.include({ reason: 'RowConflict' });
  });
});
