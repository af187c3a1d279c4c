/**
 * Scenario 3: PostgreSQL shut down (fast: sessions are ended) in the middle
 * of a run and started again. The SchemaMigration must say ConnectionError
 * while the server is down, then finish once it is back, with the same
 * operator process throughout. The server is one of its own, so stopping it
 * disturbs no other scenario.
 */
import { expect } from 'chai';
import { startLocalPostgres, type LocalPostgres } from '../../../src/devcluster/postgres.js';
import { ensureDatabase } from '../../../src/engine/index.js';
import { query } from '../../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  sleep,
  waitForSmig,
  type OperatorProcess,
} from '../../support/operator.js';
import { files, prepare, schemaMigration } from '../../support/manifests.js';
import {
  eventually,
  scenarioLabels,
  scenarioOperator,
  sleepingSessions,
  type FaultSuite,
} from './harness.js';

const SCENARIO = 'pg-restart';
const NS = 'faults-pg-restart';

/** Registers the scenario. */
export function pgRestartScenario(suite: FaultSuite): void {
  describe('PostgreSQL restarted (fast shutdown) in the middle of a run', () => {
    const { env } = suite;
    let pg: LocalPostgres | undefined;
    let url = '';
    let operator: OperatorProcess;

    before(async function () {
      this.timeout(60_000);
      pg = await startLocalPostgres({ major: 18 });
      suite.passwords.add(pg.password);
      url = await ensureDatabase(pg.url(), 'restart');
      await prepare(
        env,
        NS,
        'api',
        url,
        files([
          'CREATE TABLE first (id int);',
          'CREATE TABLE slow (id int);\nSELECT pg_sleep(2);',
          'CREATE TABLE last (id int);',
        ]),
      );
      operator = await scenarioOperator(env, { scenario: SCENARIO });
    });
    after(async () => {
      await pg?.stop();
    });

    it('goes Failed with ConnectionError while the server is down, then Ready, in the same process', async function () {
      this.timeout(60_000);
      const server = pg!;
      const pid = operator.pid;
      await apply(env, schemaMigration(NS, 'api', { labels: scenarioLabels(SCENARIO) }));
      await eventually(
        'migration 002 sleeping',
        async () => (await sleepingSessions(server.url(), 'restart')) > 0,
        { timeoutMs: 15_000, everyMs: 20 },
      );
      const stoppedAt = performance.now();
      await server.stopServer('fast');
      const failed = await waitForSmig(
        env,
        NS,
        'api',
        hasCondition('Failed', 'True', 'ConnectionError'),
        20_000,
      );
      const failedAfter = performance.now() - stoppedAt;
      expect(condition(failed, 'Ready')?.status).to.equal('False');
      expect(condition(failed, 'Reconciling')?.status).to.equal('True');
      expect(condition(failed, 'Stalled')?.status).to.equal('False');
      expect(failed.status?.failure?.reason).to.equal('ConnectionError');
      expect(condition(failed, 'Failed')?.message).to.match(
        /terminat|connect|ECONNREFUSED|shut ?down/i,
      );
      // Down for a while: the operator keeps retrying without giving up or exiting.
      await sleep(1_000);

      const startedAt = performance.now();
      await server.startServer();
      const done = await waitForSmig(env, NS, 'api', hasCondition('Ready', 'True'), 30_000);
      const readyAfter = performance.now() - startedAt;
      expect(done.status?.appliedVersion).to.equal('003');
      expect(done.status?.failure).to.equal(undefined);
      const ledger = await query<{ version: string; n: number }>(
        url,
        'SELECT version, count(*)::int AS n FROM schema_operator_history GROUP BY 1 ORDER BY 1',
      );
      expect(ledger).to.deep.equal(['001', '002', '003'].map((version) => ({ version, n: 1 })));
      expect(operator.running, 'the operator is still running').to.equal(true);
      expect(operator.pid).to.equal(pid);
      console.log(
        `      PostgreSQL restart: Failed/ConnectionError ${Math.round(failedAfter)} ms after the shutdown, ` +
          `Ready ${Math.round(readyAfter)} ms after the start; ledger 3/3 rows once; same operator pid`,
      );
    });
  });
}
