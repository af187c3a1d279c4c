/**
 * The security suite (issue #13, DESIGN section 10): each attack a tenant
 * with rights in one namespace, or an Organization author, could make is
 * run against the devcluster and an operator process, and must fail while
 * another tenant's SchemaMigration still becomes Ready within 5 s. The
 * worst victim time per attack is printed last.
 */
import { server } from '../../support/pg.js';
import { useOperatorEnv } from '../../support/operator.js';
import { scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';
import { claimsScenario } from './claims.js';
import { configMapsScenario } from './configmaps.js';
import { databaseUrlScenario } from './database-url.js';
import { organizationsScenario } from './organizations.js';
import { rbacScenario } from './rbac.js';
import { sqlTextScenario } from './sql-text.js';
import { workersScenario } from './workers.js';

describe('security suite (attacks by a tenant, PostgreSQL 18, operator processes on a devcluster)', function () {
  this.timeout(60_000);
  const suite: SecuritySuite = {
    env: useOperatorEnv({ operators: 0 }),
    passwords: new Set(),
    worstVictimMs: new Map(),
  };
  before(async function () {
    suite.passwords.add((await server(18)).password);
  });
  // Each scenario's operator stops when it ends: the next one starts from a quiet cluster.
  afterEach(async function () {
    this.timeout(30_000);
    if (this.currentTest?.parent?.tests.at(-1) === this.currentTest)
      await suite.env.stopOperators();
  });
  after(() => {
    const rows = [...suite.worstVictimMs].map(([attack, ms]) => `        ${ms} ms  ${attack}`);
    console.log(`      worst time to Ready of another tenant's SchemaMigration, by attack:`);
    console.log(rows.join('\n'));
  });

  describe('with no attack', () => {
    it("brings another tenant's SchemaMigration to Ready (the baseline)", async () => {
      await scenarioOperator(suite, 'baseline');
      await victimReadyMs(suite, 'baseline', 'none (baseline)');
    });
  });
  databaseUrlScenario(suite);
  sqlTextScenario(suite);
  workersScenario(suite);
  rbacScenario(suite);
  configMapsScenario(suite);
  claimsScenario(suite);
  organizationsScenario(suite);
});
