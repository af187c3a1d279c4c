import { expect } from 'chai';
import { org, smig, world } from '../../support/organization-world.js';

describe('the Organization reconciler and database URLs', () => {
  it('refuses a database whose URL names a file, writing nothing, naming the parameter', async () => {
    const w = world();
    w.smigs.set('db/api', smig(true));
    w.secrets.set('db/dbsecret/url', 'postgres://u:Sup3rS3cret@h/db?sslcert=/dev/zero');
    w.add(org('acme'));
    const r = await w.run('acme');
    expect(r.requeueAfterMs).to.be.greaterThan(0);
    const c = w.condition('acme', 'DatabaseSynced')!;
    expect(c).to.include({ status: 'False', reason: 'InvalidDatabaseURL' });
    expect(c.message).to.include('"sslcert"').and.not.include('Sup3rS3cret');
    expect(w.held.size, 'a database handle was taken').to.equal(0);
    expect(w.table.rows.size).to.equal(0);
  });
});
