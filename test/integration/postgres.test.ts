import { expect } from 'chai';
import { MAJORS, adminUrl, freshDatabase, query } from '../support/pg.js';

for (const major of MAJORS) {
  describe(`the test PostgreSQL ${major}`, () => {
    it('answers on its own port with the expected major version', async () => {
      const [row] = await query<{ v: string }>(
        await adminUrl(major),
        "SELECT current_setting('server_version_num') AS v",
      );
      if (!process.env.TEST_DATABASE_URL)
        expect(Math.floor(Number(row!.v) / 10000)).to.equal(major);
    });

    it('gives each test an empty database of its own', async () => {
      const a = await freshDatabase(major);
      const b = await freshDatabase(major);
      expect(a).to.not.equal(b);
      const rows = await query(
        a,
        `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'`,
      );
      expect(rows).to.have.length(0);
    });

    it('refuses a wrong password', async () => {
      const url = new URL(await adminUrl(major));
      url.password = 'wrong';
      let error: unknown;
      await query(url.toString(), 'SELECT 1').catch((e) => (error = e));
      expect(String(error)).to.match(/password authentication failed/);
    });
  });
}
