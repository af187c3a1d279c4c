import { expect } from 'chai';
import { finished, runCli, spawnCli } from '../../support/cli.js';
import { catalogDump } from '../../support/catalog.js';
import { migrationDir } from '../../support/files.js';
import { MAJORS, freshDatabase, query } from '../../support/pg.js';

/** Ten migrations that each take a little while and leave a trace of every run in `runs`. */
function slowSet(): string {
  const files: Record<string, string> = {
    '001_runs.sql': 'CREATE TABLE runs (version text, at timestamptz DEFAULT now());',
  };
  for (let i = 2; i <= 9; i++) {
    const v = String(i).padStart(3, '0');
    files[`${v}_t${i}.sql`] =
      `INSERT INTO runs (version) VALUES ('${v}');\nSELECT pg_sleep(0.04);\n` +
      `CREATE TABLE t${i} (id int PRIMARY KEY, v text);\nINSERT INTO t${i} SELECT g, md5(g::text) FROM generate_series(1, 2000) g;`;
  }
  files['010_idx.sql'] =
    '-- schema-operator: no-transaction\n' +
    `INSERT INTO runs (version) VALUES ('010a');\n` +
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS t2_v ON t2 (v);\n' +
    'SELECT pg_sleep(0.05);\n' +
    `INSERT INTO runs (version) VALUES ('010b');\n` +
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS t3_v ON t3 (v);';
  return migrationDir(files);
}

const counts = (url: string) =>
  query<{ version: string; n: number }>(
    url,
    'SELECT version, count(*)::int AS n FROM runs GROUP BY 1 ORDER BY 1',
  );

for (const major of MAJORS) {
  describe(`concurrent and interrupted runs on PostgreSQL ${major}`, () => {
    const dir = slowSet();

    it('applies each migration exactly once when two migrate processes start together, 10 times', async function () {
      this.timeout(120_000);
      for (let i = 0; i < 10; i++) {
        const url = await freshDatabase(major);
        // Half the rounds the loser waits for the lock; half it gives up quickly and says who holds it.
        const wait = i % 2 === 0 ? [] : ['--lock-wait', '100ms'];
        const runs = await Promise.all(
          [0, 1].map(() =>
            finished(spawnCli(['migrate', '--database-url', url, '--dir', dir, '--json', ...wait])),
          ),
        );
        const applied = runs.flatMap((r) =>
          r.code === 0
            ? JSON.parse(r.stdout).applied.map((a: { version: string }) => a.version)
            : [],
        );
        expect(applied.sort(), `round ${i}`).to.have.length(10);
        expect(new Set(applied).size).to.equal(10);
        for (const r of runs) {
          expect([0, 3], r.stderr).to.include(r.code);
          if (r.code === 3)
            expect(r.stderr).to.match(
              /migration lock .* is held by pid \d+ schema-operator migrate/,
            );
        }
        if (wait.length === 0) expect(runs.map((r) => r.code)).to.deep.equal([0, 0]);
        const c = await counts(url);
        expect(
          c.every((row) => row.n === 1),
          JSON.stringify(c),
        ).to.equal(true);
        expect(c).to.have.length(10);
      }
    });

    it('finishes after kill -9 at a random moment, 20 times, with the schema of a clean run', async function () {
      this.timeout(300_000);
      // The fastest of two clean runs: a first run slowed by a busy machine would spread the
      // kills past the end of the later runs, which then prove nothing.
      let cleanMs = Infinity;
      let clean = '';
      for (let i = 0; i < 2; i++) {
        clean = await freshDatabase(major);
        const t0 = performance.now();
        expect((await runCli(['migrate', '--database-url', clean, '--dir', dir])).code).to.equal(0);
        cleanMs = Math.min(cleanMs, performance.now() - t0);
      }
      const expected = await catalogDump(clean);
      const killedAt: number[] = [];
      let interrupted = 0;
      for (let i = 0; i < 20; i++) {
        const url = await freshDatabase(major);
        const child = spawnCli(['migrate', '--database-url', url, '--dir', dir]);
        const done = finished(child);
        const delay = Math.random() * cleanMs;
        await new Promise((r) => setTimeout(r, delay));
        child.kill('SIGKILL');
        const first = await done;
        if (first.signal === 'SIGKILL') interrupted++;
        killedAt.push(Math.round(delay));
        const second = await runCli(['migrate', '--database-url', url, '--dir', dir]);
        expect(
          second.code,
          `round ${i}, killed at ${Math.round(delay)} ms: ${second.stderr}`,
        ).to.equal(0);
        expect(await catalogDump(url)).to.deep.equal(expected);
        const c = await counts(url);
        expect(c.map((r) => r.version)).to.deep.equal([
          '002',
          '003',
          '004',
          '005',
          '006',
          '007',
          '008',
          '009',
          '010a',
          '010b',
        ]);
        expect(
          c.every((r) => r.n === 1),
          JSON.stringify(c),
        ).to.equal(true);
        const ledger = await query<{ n: number; d: number }>(
          url,
          'SELECT count(*)::int AS n, count(DISTINCT version)::int AS d FROM schema_operator_history',
        );
        expect(ledger).to.deep.equal([{ n: 10, d: 10 }]);
      }
      // Most kills must land while the run is under way, or the test proves little.
      expect(interrupted, `kill times ${killedAt.join(', ')}`).to.be.greaterThan(15);
    });
  });
}
