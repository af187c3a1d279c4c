/**
 * Security scenario: finding 6 (claims by CRs that never connected). A
 * tenant points a SchemaMigration at the platform's database with a wrong
 * password; the platform's `streamspace-api` is then deleted and re-created
 * (as GitOps tools do) and must become Ready, not Conflict, with the
 * Organizations on it Ready too. A tenant that does know the password gets
 * Conflict, and no status or Event in the tenant's namespace names the
 * platform's CR.
 */
import { expect } from 'chai';
import { API_VERSION, type Organization } from '../../../src/api/index.js';
import { organizations } from '../../../src/controllers/resources.js';
import { freshDatabase, query } from '../../support/pg.js';
import { condition, eventsIn, kubectlIn, readSmig, waitForSmig } from '../../support/operator.js';
import { applyRetrying, eventually, isReady } from '../faults/harness.js';
import { dbSecret, namespace } from '../../support/manifests.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'claims';
const PLATFORM = 'claims-platform';
const TENANT = 'claims-tenant';
const API = 'streamspace-api';

/** The platform's SchemaMigration: the bundled StreamSpace schema, Organizations allowed. */
function platformSmig(): object {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name: API, namespace: PLATFORM, labels: scenarioLabels(SCENARIO) },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { bundled: 'streamspace' },
      allowOrganizations: true,
    },
  };
}

/** The tenant's SchemaMigration aimed at the platform's database through Secret `secret`. */
function tenantSmig(name: string, secret: string): object {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name, namespace: TENANT, labels: scenarioLabels(SCENARIO) },
    spec: {
      database: { urlSecretRef: { name: secret, key: 'url' } },
      source: { inline: [{ version: '900', name: 'mine', sql: 'SELECT 1' }] },
    },
  };
}

/** Registers the scenario. */
export function claimsScenario(suite: SecuritySuite): void {
  describe('claims on a database (finding 6)', () => {
    let url = '';
    const owner = async () =>
      (await query<{ owner: string }>(url, 'SELECT owner FROM public.schema_operator_owner'))[0]
        ?.owner;
    /** Everything the tenant can read about its own SchemaMigrations: statuses and Events. */
    const tenantView = async () => {
      const r = await kubectlIn(suite.env, ['get', 'smig', '-n', TENANT, '-o', 'json']);
      expect(r.code, r.stderr).to.equal(0);
      return r.stdout + JSON.stringify(await eventsIn(suite.env, TENANT));
    };

    before(async function () {
      this.timeout(60_000);
      await scenarioOperator(suite, SCENARIO);
      url = await freshDatabase(18);
      suite.passwords.add(new URL(url).password);
      const wrong = new URL(url);
      wrong.password = 'not-the-password';
      await applyRetrying(suite.env, [
        namespace(PLATFORM),
        namespace(TENANT),
        dbSecret(PLATFORM, 'db', url),
        dbSecret(TENANT, 'guess', wrong.toString()),
        dbSecret(TENANT, 'known', url),
        platformSmig(),
      ]);
      await waitForSmig(suite.env, PLATFORM, API, (o) => !!o && isReady(o), 30_000);
      await applyRetrying(suite.env, [
        {
          apiVersion: API_VERSION,
          kind: 'Organization',
          metadata: { name: 'claims-org', labels: scenarioLabels(SCENARIO) },
          spec: {
            displayName: 'Claims Org',
            databaseRef: { namespace: PLATFORM, name: API },
          },
        },
      ]);
    });

    it("a wrong password claims nothing: the platform's re-created streamspace-api becomes Ready, not Conflict", async function () {
      this.timeout(60_000);
      await applyRetrying(suite.env, [tenantSmig('api', 'guess')]);
      await waitForSmig(
        suite.env,
        TENANT,
        'api',
        (o) => condition(o, 'Failed')?.reason === 'ConnectionError',
        20_000,
      );
      // GitOps: delete and re-create under the same name while the tenant's CR keeps failing.
      const del = await kubectlIn(suite.env, ['delete', 'smig', API, '-n', PLATFORM]);
      expect(del.code, del.stderr).to.equal(0);
      await applyRetrying(suite.env, [platformSmig()]);
      await victimReadyMs(suite, SCENARIO, 'a wrong-password claim on the platform database');
      const o = await waitForSmig(suite.env, PLATFORM, API, (x) => !!x && isReady(x), 30_000);
      expect(condition(o, 'Failed')?.reason).not.to.equal('Conflict');
      expect(await owner()).to.equal(`${PLATFORM}/${API}`);
      const orgs = suite.env.client.resource<Organization>(organizations);
      await eventually(
        'the Organization on the platform database is Ready',
        async () => {
          const org = await orgs.find({ name: 'claims-org' });
          return !!org && isReady(org);
        },
        { timeoutMs: 20_000 },
      );
      const tenant = await readSmig(suite.env, TENANT, 'api');
      expect(condition(tenant, 'Failed')?.reason).to.equal('ConnectionError');
      expect(await tenantView()).not.to.contain(PLATFORM);
    });

    it('a tenant that knows the password gets Conflict naming no CR of another namespace, and runs nothing', async function () {
      this.timeout(60_000);
      await applyRetrying(suite.env, [tenantSmig('copy', 'known')]);
      const attack = victimReadyMs(
        suite,
        SCENARIO,
        "a second SchemaMigration on another namespace's database",
      );
      const o = await waitForSmig(
        suite.env,
        TENANT,
        'copy',
        (x) => condition(x, 'Failed')?.reason === 'Conflict',
        20_000,
      );
      await attack;
      expect(condition(o, 'Failed')?.message).to.match(/^another SchemaMigration already manages/);
      expect(await tenantView()).not.to.contain(PLATFORM);
      expect(await owner()).to.equal(`${PLATFORM}/${API}`);
      expect(
        await query(url, `SELECT 1 FROM schema_operator_history WHERE version = '900'`),
      ).to.have.length(0);
      expect(isReady((await readSmig(suite.env, PLATFORM, API))!)).to.equal(true);
    });
  });
}
