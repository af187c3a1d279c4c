/**
 * Scenario 1: the operator SIGKILLed at random points of a 20-migration run,
 * 20 times. Each incarnation starts a new run (its own database) and is
 * killed once that run's ledger reaches a random row; the next incarnation
 * finishes what the dead one left (and starts the next run). Afterwards every
 * database must hold exactly the schema a clean run builds, each migration's
 * ledger row and side effect exactly once.
 */
import { expect } from 'chai';
import { catalogDump } from '../../support/catalog.js';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';
import type { SchemaMigration } from '../../../src/api/index.js';
import { schemaMigrations } from '../../../src/controllers/resources.js';
import { freshDatabase, query, withClient } from '../../support/pg.js';
import { apply, sleep } from '../../support/operator.js';
import { configMap, dbSecret, namespace, schemaMigration } from '../../support/manifests.js';
import {
  busySessions,
  databaseOf,
  freshDatabases,
  eventually,
  isReady,
  ledgerCounts,
  ledgerRows,
  ledgerSize,
  listSmigs,
  randomInt,
  scenarioLabels,
  scenarioOperator,
  type FaultSuite,
} from './harness.js';

const SCENARIO = 'kill9';
const NS = 'faults-kill9';
const RUNS = 20;
const STEPS = 20;
/**
 * Each incarnation first looks at every earlier run again: enough workers
 * that the new run never queues behind them, all of them free for this one
 * namespace (the runs are one trusted tenant's).
 */
const WORKERS = ['--workers', String(RUNS), '--max-reconciles-per-namespace', String(RUNS)];

/**
 * Twenty migrations of every kind the catalog dump compares (tables,
 * defaults, indexes, foreign keys, a trigger), each leaving one row in
 * `applied`, and sleeping 10 or 40 ms, so that kills land inside a
 * migration's transaction as well as between two.
 */
export function twentySteps(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= STEPS; i++) {
    const v = String(i).padStart(3, '0');
    const sql: string[] = [];
    if (i === 1) sql.push('CREATE TABLE applied (version text NOT NULL);');
    sql.push(
      `CREATE TABLE t${i} (id int PRIMARY KEY, v text DEFAULT 'v${i}', n int NOT NULL DEFAULT ${i});`,
    );
    if (i % 4 === 0) sql.push(`CREATE INDEX t${i}_v ON t${i} (v);`);
    if (i % 5 === 0) sql.push(`ALTER TABLE t${i - 1} ADD COLUMN ref int REFERENCES t${i} (id);`);
    if (i === 7)
      sql.push(
        `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END $$;`,
        `CREATE TRIGGER t7_touch BEFORE UPDATE ON t7 FOR EACH ROW EXECUTE FUNCTION touch();`,
      );
    sql.push(`INSERT INTO applied VALUES ('${v}');`);
    sql.push(`SELECT pg_sleep(${i % 2 === 0 ? 0.04 : 0.01});`);
    out[`${v}_step${i}.sql`] = sql.join('\n');
  }
  return out;
}

/** Registers the scenario. */
export function killNineScenario(suite: FaultSuite): void {
  describe(`the operator SIGKILLed at random points of a ${STEPS}-migration run, ${RUNS} times`, () => {
    const { env } = suite;
    const urls: string[] = [];
    let clean: string[] = [];

    before(async function () {
      this.timeout(60_000);
      urls.push(...(await freshDatabases(RUNS)));
      await apply(
        env,
        namespace(NS),
        configMap(NS, 'steps', twentySteps()),
        ...urls.map((url, i) => dbSecret(NS, `db-${i + 1}`, url)),
      );
      // The reference: the same files applied by the CLI, without interruption.
      const reference = await freshDatabase(18);
      const r = await runCli([
        'migrate',
        '--database-url',
        reference,
        '--dir',
        migrationDir(twentySteps()),
      ]);
      expect(r.code, r.stderr).to.equal(0);
      clean = await catalogDump(reference);
      expect(clean.length).to.be.greaterThan(STEPS * 3);
    });

    it('completes every run after restarts, with the schema of a clean run and every ledger row once', async function () {
      this.timeout(240_000);
      const smigs = env.client.resource<SchemaMigration>(schemaMigrations);
      let midRun = 0;
      let inStatement = 0;
      for (let i = 1; i <= RUNS; i++) {
        const url = urls[i - 1]!;
        const p = await scenarioOperator(env, { scenario: SCENARIO, args: WORKERS });
        await smigs.create(
          schemaMigration(NS, `run-${i}`, {
            configMaps: ['steps'],
            secret: `db-${i}`,
            labels: scenarioLabels(SCENARIO),
          }) as SchemaMigration,
        );
        // Watched on one open connection: a new one per poll would be slower than a migration.
        const at = randomInt(1, STEPS - 2);
        const busy = await withClient(url, async (c) => {
          const deadline = Date.now() + 30_000;
          while ((await ledgerRows(c)) < at) {
            expect(Date.now(), `run-${i} reaching ledger row ${at}`).to.be.below(deadline);
            await sleep(2);
          }
          await sleep(randomInt(0, 30));
          return busySessions(c);
        });
        await p.kill('SIGKILL');
        if ((await ledgerSize(url)) < STEPS) midRun++;
        if (busy > 0) inStatement++;
      }
      // The last incarnation, never killed, finishes whatever is left.
      await scenarioOperator(env, { scenario: SCENARIO, args: WORKERS });
      await eventually(
        `all ${RUNS} runs Ready`,
        async () => (await listSmigs(env, SCENARIO)).filter(isReady).length === RUNS,
        { timeoutMs: 60_000, everyMs: 200 },
      );

      const expected = Object.keys(twentySteps()).map((f) => f.slice(0, 3));
      let identical = 0;
      for (const url of urls) {
        expect(await catalogDump(url), databaseOf(url)).to.deep.equal(clean);
        identical++;
        expect(await ledgerCounts(url)).to.deep.equal(
          expected.map((version) => ({ version, n: 1 })),
        );
        const applied = await query<{ version: string; n: number }>(
          url,
          'SELECT version, count(*)::int AS n FROM applied GROUP BY 1 ORDER BY 1',
        );
        expect(applied).to.deep.equal(expected.map((version) => ({ version, n: 1 })));
      }
      console.log(
        `      kill -9: ${RUNS}/${RUNS} runs completed after ${RUNS} kills (${midRun} mid-run, ` +
          `${inStatement} while a migration statement ran); schema identical to a clean run ${identical}/${RUNS}; ` +
          `ledger rows and side effects once each`,
      );
      expect(midRun, 'kills that landed before the run finished').to.be.at.least(RUNS / 2);
    });
  });
}
