/**
 * The fault suite (issue #9): the operator against process kills, a lost
 * leader, a restarted PostgreSQL, a misbehaving API server and bad input,
 * all on one devcluster with real PostgreSQL, the operator as separate
 * processes (each scenario's own, reconciling only its scenario's objects).
 * Each scenario prints a count line; the last one searches every log line,
 * Event and status of the suite for every password it used.
 */
import { server } from '../../support/pg.js';
import { useOperatorEnv } from '../../support/operator.js';
import { apiFaultsScenario } from './api-faults.js';
import { badInputScenario } from './bad-input.js';
import type { FaultSuite } from './harness.js';
import { killNineScenario } from './kill9.js';
import { leaderKillScenario } from './leader-kill.js';
import { pgRestartScenario } from './pg-restart.js';
import { secretsScenario } from './secrets.js';

describe('fault suite (PostgreSQL 18, operator processes on a devcluster)', function () {
  this.timeout(60_000);
  const suite: FaultSuite = { env: useOperatorEnv({ operators: 0 }), passwords: new Set() };
  before(async function () {
    this.timeout(60_000);
    suite.passwords.add((await server(18)).password);
  });
  // Each scenario's operators stop when it ends: the next one starts from a quiet cluster.
  afterEach(async function () {
    this.timeout(30_000);
    if (this.currentTest?.parent?.tests.at(-1) === this.currentTest)
      await suite.env.stopOperators();
  });

  killNineScenario(suite);
  leaderKillScenario(suite);
  pgRestartScenario(suite);
  apiFaultsScenario(suite);
  badInputScenario(suite);
  secretsScenario(suite);
});
