/**
 * Security scenario: findings 3, 10 and the CRD bounds of 11 (workers,
 * deadlines, bounds). A tenant with rights in one namespace tries to hold
 * every worker of the operator: SchemaMigrations that sleep in the database
 * for as long as their timeouts allow, and SchemaMigrations aimed at a server
 * that completes the start-up handshake and then never answers. Another
 * tenant's SchemaMigration must still become Ready; deleting the attacking
 * CRs must stop their statements on the server, and nothing of theirs may
 * run again after a reconnect. A transient error on a Ready schema keeps it
 * Ready; timeouts out of bounds are refused at admission.
 */
import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { startLocalPostgres } from '../../../src/devcluster/postgres.js';
import { ensureDatabase } from '../../../src/engine/index.js';
import { adminUrl, freshDatabase, query } from '../../support/pg.js';
import { silentPostgres, type SilentPostgres } from '../../support/silent-postgres.js';
import { kubectlIn, readSmig, sleep, waitForEvent, waitForSmig } from '../../support/operator.js';
import { applyRetrying, eventually, isReady } from '../faults/harness.js';
import { configMap, dbSecret, files, namespace, schemaMigration } from '../../support/manifests.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'workers';

/** `count` SchemaMigrations of `ns` on the Secret `db`, each with a ledger table of its own. */
function attackers(ns: string, count: number, policy: Record<string, unknown>): SchemaMigration[] {
  return Array.from({ length: count }, (_, i) => {
    const smig = schemaMigration(ns, `hog-${i + 1}`, {
      configMaps: ['hog'],
      historyTable: { name: `history_${i + 1}` },
      labels: scenarioLabels(SCENARIO),
    });
    smig.spec.policy = policy as SchemaMigration['spec']['policy'];
    return smig;
  });
}

/** Sessions of the operator for SchemaMigrations of `ns` (its application_name names the CR). */
async function sessionsOf(ns: string): Promise<{ all: number; sleeping: number }> {
  const [row] = await query<{ all: number; sleeping: number }>(
    await adminUrl(18),
    `SELECT count(*)::int AS all,
            (count(*) FILTER (WHERE state = 'active' AND query LIKE '%pg_sleep%'))::int AS sleeping
       FROM pg_stat_activity WHERE application_name LIKE $1`,
    [`schema-operator ${ns}/%`],
  );
  return row!;
}

async function deleteAll(suite: SecuritySuite, ns: string): Promise<void> {
  const r = await kubectlIn(suite.env, ['delete', 'schemamigrations', '--all', '-n', ns]);
  expect(r.code, r.stderr).to.equal(0);
}

/** Registers the scenario. */
export function workersScenario(suite: SecuritySuite): void {
  describe('workers: one tenant cannot hold every worker (findings 3, 10, 11)', function () {
    this.timeout(60_000);
    let silent: SilentPostgres;
    before(async function () {
      this.timeout(60_000);
      silent = await silentPostgres();
      await scenarioOperator(suite, SCENARIO);
    });
    after(() => silent.close());

    it('four SchemaMigrations sleeping in pg_sleep take one worker; deleting them stops the sleep on the server, and nothing runs again after a reconnect', async () => {
      const ns = 'hog-sleep';
      const url = await freshDatabase(18);
      suite.passwords.add(new URL(url).password);
      const hogs = attackers(ns, 4, { statementTimeout: '24h', maxRetries: 100 });
      await applyRetrying(suite.env, [
        namespace(ns),
        dbSecret(ns, 'db', url),
        configMap(ns, 'hog', files(['SELECT pg_sleep(100000);'])),
        ...hogs,
      ]);
      await eventually(
        'a hog sleeps in the database',
        async () => (await sessionsOf(ns)).sleeping > 0,
        {
          timeoutMs: 10_000,
        },
      );
      // Time for the other three to take workers too, if they could.
      await sleep(1_500);
      await victimReadyMs(suite, SCENARIO, 'four pg_sleep SchemaMigrations in one namespace');
      // One run per namespace at a time: the other three wait in the queue, not in a worker.
      expect((await sessionsOf(ns)).sleeping, 'sleeping sessions of the tenant').to.equal(1);

      await deleteAll(suite, ns);
      await eventually(
        'the sleep is gone from pg_stat_activity',
        async () => (await sessionsOf(ns)).all === 0,
        {
          timeoutMs: 5_000,
          detail: async () => JSON.stringify(await sessionsOf(ns)),
        },
      );
      // Whatever reconnect or retry was due, none comes: the deleted CRs' migrations never run again.
      for (let i = 0; i < 15; i++) {
        expect((await sessionsOf(ns)).all, 'sessions of deleted SchemaMigrations').to.equal(0);
        await sleep(200);
      }
      await victimReadyMs(suite, SCENARIO, 'after deleting four pg_sleep SchemaMigrations');
    });

    it('four SchemaMigrations aimed at a server silent after the handshake leave workers for another tenant, and stop when deleted', async () => {
      const ns = 'hog-silent';
      await applyRetrying(suite.env, [
        namespace(ns),
        dbSecret(ns, 'db', silent.url),
        configMap(ns, 'hog', files(['SELECT 1;'])),
        ...attackers(ns, 4, {}),
      ]);
      await eventually(
        'the operator reached the silent server',
        async () => silent.handshakes() > 0,
        {
          timeoutMs: 10_000,
        },
      );
      await victimReadyMs(suite, SCENARIO, 'four SchemaMigrations aimed at a silent server');
      const hog = await waitForSmig(
        suite.env,
        ns,
        'hog-1',
        (o) => o?.status?.failure?.reason === 'ConnectionError',
        30_000,
      );
      expect(hog.status!.failure!.message).to.match(
        /completed the handshake but did not answer a query in time/,
      );
      await deleteAll(suite, ns);
      await sleep(1_000);
      const after = silent.handshakes();
      await sleep(3_000);
      expect(silent.handshakes(), 'connections to the silent server after the deletion').to.equal(
        after,
      );
    });

    it('a database that went away keeps a Ready SchemaMigration Ready, and says so in Reconciling and an Event (finding 10)', async () => {
      const ns = 'blip';
      const server = await startLocalPostgres({ major: 18 });
      try {
        suite.passwords.add(server.password);
        const url = await ensureDatabase(server.url(), 'blip');
        const smig = schemaMigration(ns, 'app', { labels: scenarioLabels(SCENARIO) });
        await applyRetrying(suite.env, [
          namespace(ns),
          dbSecret(ns, 'db', url),
          configMap(ns, 'app-migrations', files(['CREATE TABLE t (id int)'])),
          smig,
        ]);
        await waitForSmig(suite.env, ns, 'app', (o) => !!o && isReady(o), 10_000);
        // The same database, down for a while; the CR is looked at again meanwhile.
        await server.stopServer('fast');
        const r = await kubectlIn(suite.env, [
          'annotate',
          '-n',
          ns,
          'schemamigration/app',
          'schema.streamspace.io/retry=1',
        ]);
        expect(r.code, r.stderr).to.equal(0);
        const o = await waitForSmig(
          suite.env,
          ns,
          'app',
          (x) =>
            x?.status?.conditions?.some(
              (c) => c.type === 'Reconciling' && c.reason === 'ConnectionError',
            ) ?? false,
          10_000,
        );
        expect(isReady(o), 'Ready while the database is down').to.equal(true);
        expect(o.status!.phase).to.equal('Applied');
        const reconciling = o.status!.conditions!.find((c) => c.type === 'Reconciling')!;
        expect(reconciling.status).to.equal('True');
        expect(reconciling.message).to.match(/^retrying: cannot connect to /);
        const event = await waitForEvent(suite.env, ns, 'app', 'MigrationFailed');
        expect(event.type).to.equal('Warning');
        await victimReadyMs(suite, SCENARIO, 'a Ready SchemaMigration whose database went away');
        expect(isReady((await readSmig(suite.env, ns, 'app'))!)).to.equal(true);
        // Back: the retry succeeds and Reconciling clears.
        await server.startServer();
        await waitForSmig(
          suite.env,
          ns,
          'app',
          (x) =>
            x?.status?.conditions?.some((c) => c.type === 'Reconciling' && c.status === 'False') ??
            false,
          30_000,
        );
      } finally {
        await server.stop();
      }
    });

    const unbounded: Array<[string, Record<string, string>, RegExp]> = [
      ['lockTimeout: 600h', { lockTimeout: '600h' }, /lockTimeout must be above 0 and at most 24h/],
      [
        'statementTimeout: 0s',
        { statementTimeout: '0s' },
        /statementTimeout must be above 0 and at most 24h/,
      ],
    ];
    for (const [what, policy, message] of unbounded) {
      it(`refuses a SchemaMigration with ${what} at admission, with a clear message`, async () => {
        const ns = 'hog-bounds';
        await applyRetrying(suite.env, [namespace(ns)]);
        const [smig] = attackers(ns, 1, policy);
        const r = await kubectlIn(suite.env, ['apply', '-f', '-'], JSON.stringify(smig));
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(message);
        expect(await readSmig(suite.env, ns, 'hog-1')).to.equal(undefined);
        await victimReadyMs(suite, SCENARIO, `a SchemaMigration with ${what}`);
      });
    }
  });

  describe('workers: a reconcile deadline that cancels (finding 3)', function () {
    this.timeout(60_000);
    const scenario = 'workers-deadline';
    before(async function () {
      this.timeout(60_000);
      await scenarioOperator(suite, scenario, ['--reconcile-timeout', '2s']);
    });

    it('cancels a pg_sleep run on the server when the reconcile deadline passes, and says DeadlineExceeded', async () => {
      const ns = 'hog-deadline';
      const url = await freshDatabase(18);
      suite.passwords.add(new URL(url).password);
      const hog = schemaMigration(ns, 'hog', {
        configMaps: ['hog'],
        labels: scenarioLabels(scenario),
      });
      hog.spec.policy = { statementTimeout: '24h' } as SchemaMigration['spec']['policy'];
      await applyRetrying(suite.env, [
        namespace(ns),
        dbSecret(ns, 'db', url),
        configMap(ns, 'hog', files(['SELECT pg_sleep(100000);'])),
        hog,
      ]);
      const o = await waitForSmig(
        suite.env,
        ns,
        'hog',
        (x) => x?.status?.failure?.reason === 'DeadlineExceeded',
        15_000,
      );
      expect(o.status!.failure!.message).to.match(/reconcile deadline of 2000 ms passed/);
      // Between retries nothing sleeps: each run's statement was cancelled, not left behind.
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        seen.push((await sessionsOf(ns)).sleeping);
        await sleep(100);
      }
      expect(Math.max(...seen), 'pg_sleep sessions at once').to.be.at.most(1);
      await victimReadyMs(
        suite,
        scenario,
        'a pg_sleep SchemaMigration under a 2 s reconcile deadline',
      );
      await deleteAll(suite, ns);
      await eventually('no session left', async () => (await sessionsOf(ns)).all === 0, {
        timeoutMs: 5_000,
      });
    });
  });
}
