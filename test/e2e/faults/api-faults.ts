/**
 * Scenario 4: an API server that misbehaves the whole time. Every watch is
 * dropped every few seconds with the history forgotten (resumes get 410 and
 * must re-list), 5% of writes fail with 429 or 500, every answer is late,
 * and watches go quiet longer than the informer watchdog allows (the
 * operator runs with a 1.5 s watchdog against bookmarks every 5 s, which to
 * the informer is exactly a stalled connection). 30 SchemaMigrations and 50
 * Organizations created meanwhile must all become Ready, with no work done
 * twice (one ledger row per migration per database, one namespace create per
 * organization) and no crash (the same process throughout).
 */
import { expect } from 'chai';
import { API_VERSION } from '../../../src/api/index.js';
import type { KubeObject } from '../../../src/kube/index.js';
import { defaultWatchdogMs, WATCHDOG_ENV } from '../../../src/kube/informer.js';
import { query } from '../../support/pg.js';
import { apply, type OperatorProcess } from '../../support/operator.js';
import { http } from '../../support/spawned.js';
import { configMap, dbSecret, files, namespace, schemaMigration } from '../../support/manifests.js';
import {
  applyRetrying,
  freshDatabases,
  eventually,
  isReady,
  ledgerCounts,
  listOrgs,
  listSmigs,
  scenarioLabels,
  scenarioOperator,
  type FaultSuite,
} from './harness.js';

const SCENARIO = 'api-faults';
const NS = 'faults-api';
const SMIGS = 30;
const ORGS = 50;
const DROP_EVERY_MS = 3_000;
const WATCHDOG_MS = 1_500;
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
const NAMESPACE_CREATE = 'POST /api/v1/namespaces';
const namespacesRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
/** The annotation naming the organization that owns a namespace (docs/organizations.md). */
const ORG_ANNOTATION = 'schema.streamspace.io/organization';

/** Three small migrations for the ConfigMap-sourced SchemaMigrations. */
const THREE = files([
  'CREATE TABLE a (id int PRIMARY KEY);',
  'CREATE TABLE b (id int REFERENCES a (id));',
  'CREATE INDEX b_id ON b (id);',
]);

/** Registers the scenario. */
export function apiFaultsScenario(suite: FaultSuite): void {
  describe(`an API server that drops watches, answers 410, 429, 500 and slowly: ${SMIGS} SchemaMigrations and ${ORGS} Organizations`, () => {
    const { env } = suite;
    const urls: string[] = [];
    let operator: OperatorProcess;

    before(async function () {
      this.timeout(60_000);
      // Database 0 takes the bundled StreamSpace schema, which the Organizations use.
      urls.push(...(await freshDatabases(SMIGS)));
      await apply(
        env,
        namespace(NS),
        configMap(NS, 'three', THREE),
        ...urls.map((url, i) => dbSecret(NS, `db-${i}`, url)),
      );
      operator = await scenarioOperator(env, {
        scenario: SCENARIO,
        childEnv: { [WATCHDOG_ENV]: String(WATCHDOG_MS) },
      });
    });

    it('takes the informer watchdog interval from the environment, ignoring nonsense', () => {
      const cases: Array<[string | undefined, number]> = [
        [undefined, 180_000],
        ['1500', 1500],
        ['0', 180_000],
        ['-5', 180_000],
        ['2s', 180_000],
      ];
      for (const [value, ms] of cases)
        expect(
          defaultWatchdogMs(value === undefined ? {} : { [WATCHDOG_ENV]: value }),
          String(value),
        ).to.equal(ms);
    });

    it('brings every object to Ready, doing nothing twice and never crashing', async function () {
      this.timeout(150_000);
      const pid = operator.pid;
      const from = operator.mark();
      const { faults } = env.dc;
      faults.reset();
      faults.dropWatchesEvery(DROP_EVERY_MS, { compactHistory: true });
      faults.failRate({ rate: 0.05, statuses: [429, 500], methods: WRITES });
      faults.delay(20);
      const started = performance.now();

      const labels = scenarioLabels(SCENARIO);
      const smigs = urls.map((_, i) =>
        i === 0
          ? {
              apiVersion: API_VERSION,
              kind: 'SchemaMigration',
              metadata: { name: 'streamspace-api', namespace: NS, labels },
              spec: {
                database: { urlSecretRef: { name: 'db-0', key: 'url' } },
                source: { bundled: 'streamspace' },
                allowOrganizations: true,
              },
            }
          : schemaMigration(NS, `smig-${i}`, { configMaps: ['three'], secret: `db-${i}`, labels }),
      );
      const orgs = Array.from({ length: ORGS }, (_, i) => ({
        apiVersion: API_VERSION,
        kind: 'Organization',
        metadata: { name: `fo-${i}`, labels },
        spec: {
          displayName: `Fault org ${i}`,
          namespace: `fo-${i}`,
          databaseRef: { namespace: NS, name: 'streamspace-api' },
        },
      }));
      const tries = await applyRetrying(env, [...smigs, ...orgs]);

      let ready = { smigs: 0, orgs: 0 };
      await eventually(
        'every object Ready',
        async () => {
          ready = {
            smigs: (await listSmigs(env, SCENARIO)).filter(isReady).length,
            orgs: (await listOrgs(env, SCENARIO)).filter(isReady).length,
          };
          return ready.smigs === SMIGS && ready.orgs === ORGS;
        },
        { timeoutMs: 120_000, everyMs: 500, detail: () => JSON.stringify(ready) },
      );
      const tookS = (performance.now() - started) / 1000;
      const counts = faults.counts();
      const injected = faults.injected();
      faults.reset();

      expect(operator.running, 'the operator is still running').to.equal(true);
      expect(operator.pid).to.equal(pid);
      // No migration twice.
      for (const [i, url] of urls.entries()) {
        const ledger = await ledgerCounts(url);
        expect(ledger.length, `database ${i}`).to.be.greaterThan(0);
        expect(
          ledger.filter((r) => r.n !== 1),
          `database ${i}`,
        ).to.deep.equal([]);
      }
      const rows = await query<{ n: number }>(
        urls[0]!,
        "SELECT count(*)::int AS n FROM organizations WHERE id LIKE 'fo-%'",
      );
      expect(rows[0]!.n).to.equal(ORGS);
      // One namespace per org, never deleted and made again. A create the server served
      // beyond one per org is an AlreadyExists from a cache that had not seen the namespace
      // yet (the controller then decides again): allowed, but only now and then.
      const injectedTotal = Object.values(injected).reduce((a, b) => a + b, 0);
      const nsCreates = (counts['create namespaces'] ?? 0) - (injected[NAMESPACE_CREATE] ?? 0);
      expect(counts['delete namespaces'] ?? 0, 'namespace deletes').to.equal(0);
      expect(nsCreates, 'namespace creates served').to.be.within(ORGS, ORGS * 1.1);
      const owned = (await env.client.resource<KubeObject>(namespacesRef).list()).items.filter(
        (n) => n.metadata?.annotations?.[ORG_ANNOTATION]?.startsWith('fo-'),
      );
      expect(owned).to.have.length(ORGS);
      // The faults were really there, and the informers noticed.
      expect(injectedTotal, 'injected 429/500').to.be.greaterThan(0);
      const logs = operator.logs(from);
      const watchdog = logs.filter(
        (l) => l.message === 'no watch event or bookmark in time; restarting the watch',
      ).length;
      const gone = logs.filter((l) => l.message === 'watch version expired; re-listing').length;
      expect(watchdog, 'watchdog log lines').to.be.greaterThan(0);
      expect(gone, '410 re-lists').to.be.greaterThan(0);
      expect(await watchdogMetric(operator), 'watchdog metric').to.be.at.least(watchdog);
      console.log(
        `      API faults: ${SMIGS}/${SMIGS} SchemaMigrations and ${ORGS}/${ORGS} Organizations Ready in ${tookS.toFixed(1)} s ` +
          `(kubectl apply needed ${tries} tries); ${injectedTotal} writes failed with 429/500, watches dropped every ` +
          `${DROP_EVERY_MS / 1000} s with 410 on resume (${gone} re-lists), watchdog fired ${watchdog} times; ` +
          `ledger rows once in ${SMIGS}/${SMIGS} databases; ${nsCreates} namespace creates for ${ORGS} orgs; same pid`,
      );
    });
  });
}

/** `schema_operator_informer_watchdog_restarts_total`, summed over resources. */
async function watchdogMetric(p: OperatorProcess): Promise<number> {
  const started = p.logs().findLast((l) => l.message === 'schema-operator started');
  const text = (await http(`${String(started?.healthUrl)}/metrics`)).text;
  let sum = 0;
  for (const m of text.matchAll(
    /^schema_operator_informer_watchdog_restarts_total\{[^}]*\} (\d+)$/gm,
  ))
    sum += Number(m[1]);
  return sum;
}
