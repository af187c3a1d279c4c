import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledDir, migrate, readMigrationDir, type Migration } from '../../../src/engine/index.js';
import { catalogDump } from '../../support/catalog.js';
import { MAJORS, freshDatabase, query, withClient } from '../../support/pg.js';

const legacy = readFileSync(
  fileURLToPath(new URL('../../../../test/fixtures/streamspace/legacy-startup.sql', import.meta.url)),
  'utf8',
);

for (const major of MAJORS) {
  describe(`the bundled StreamSpace migrations on PostgreSQL ${major}`, function () {
    this.timeout(120_000);
    let migrations: Migration[];
    let expected: string[];
    let emptyUrl: string;

    before(async () => {
      migrations = await readMigrationDir(bundledDir('streamspace'));
      emptyUrl = await freshDatabase(major);
      await migrate({ url: emptyUrl, migrations });
      expected = await catalogDump(emptyUrl);
    });

    it('build the documented schema on an empty database', async () => {
      expect(migrations.map((m) => m.version)).to.deep.equal(
        ['001', '002', '003', '004', '005', '006', '007', '008', '009', '010'],
      );
      const orgColumns = expected.filter((l) => /\.org_id character varying\(255\)$/.test(l));
      expect(orgColumns.map((l) => l.split(' ')[1])).to.deep.equal([
        'public.agents.org_id', 'public.api_keys.org_id', 'public.audit_log.org_id',
        'public.sessions.org_id', 'public.users.org_id', 'public.webhooks.org_id',
      ]);
      expect(expected).to.include('constraint public.users users_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations(id) ON DELETE SET NULL');
      expect(expected).to.include('constraint public.agents agents_org_id_fkey FOREIGN KEY (org_id) REFERENCES organizations(id) ON DELETE CASCADE');
      expect(expected).to.include("column public.organizations.k8s_namespace character varying(255) not null default 'streamspace'::character varying");
      expect(expected.filter((l) => l.startsWith('index ') && l.endsWith('INVALID'))).to.deep.equal([]);
      expect(expected.filter((l) => l.endsWith('NOT VALIDATED'))).to.deep.equal([]);
      const [org] = await query(emptyUrl, `SELECT id, name, display_name, k8s_namespace, status FROM organizations`);
      expect(org).to.deep.equal({
        id: 'default-org', name: 'default', display_name: 'Default Organization', k8s_namespace: 'streamspace', status: 'active',
      });
      expect(await query(emptyUrl, `SELECT id, role, org_id FROM users`)).to.deep.equal([
        { id: 'admin', role: 'admin', org_id: 'default-org' },
      ]);
    });

    it('bring a database left by the old start-up list to the same schema with adoptExisting, keeping its data', async () => {
      const url = await freshDatabase(major);
      await withClient(url, (c) => c.query(legacy));
      const before = await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM sessions');
      const result = await migrate({ url, migrations, adoptExisting: true });
      expect(result.applied).to.have.length(10);
      expect(await catalogDump(url)).to.deep.equal(expected);
      expect(await query(url, 'SELECT count(*)::int AS n FROM sessions')).to.deep.equal(before);
      expect(await query(url, `SELECT count(*)::int AS n FROM sessions WHERE org_id IS DISTINCT FROM 'default-org'`))
        .to.deep.equal([{ n: 0 }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM users WHERE org_id IS DISTINCT FROM 'default-org'`))
        .to.deep.equal([{ n: 0 }]);
      expect(await query(url, `SELECT count(*)::int AS n FROM sessions WHERE agent_id = 'agent-a'`)).to.deep.equal([{ n: 6000 }]);
      expect(await query(url, `SELECT DISTINCT streaming_protocol, streaming_port FROM sessions`)).to.deep.equal([
        { streaming_protocol: 'vnc', streaming_port: 5900 },
      ]);
    });

    it('reach the same schema from every prefix 001..k followed by the rest', async () => {
      for (let k = 1; k < migrations.length; k++) {
        const url = await freshDatabase(major);
        await migrate({ url, migrations, target: migrations[k - 1]!.version });
        const rest = await migrate({ url, migrations });
        expect(rest.applied, `prefix ${k}`).to.have.length(migrations.length - k);
        expect(await catalogDump(url), `prefix 001..${migrations[k - 1]!.version}`).to.deep.equal(expected);
      }
    });

    it('change nothing when the whole set runs a second time', async () => {
      const url = await freshDatabase(major);
      await withClient(url, (c) => c.query(legacy));
      await migrate({ url, migrations, adoptExisting: true });
      const snapshot = async () =>
        query(url, `SELECT (SELECT md5(string_agg(s::text, ',' ORDER BY id)) FROM sessions s) AS sessions,
                           (SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM users u) AS users,
                           (SELECT count(*)::int FROM organizations) AS orgs`);
      const data = await snapshot();
      await query(url, 'DROP TABLE schema_operator_history');
      const again = await migrate({ url, migrations, adoptExisting: true });
      expect(again.applied).to.have.length(10);
      expect(await catalogDump(url)).to.deep.equal(expected);
      expect(await snapshot()).to.deep.equal(data);
    });
  });
}
