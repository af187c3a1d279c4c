/**
 * What the security scenarios share: one devcluster for the suite, one
 * operator process per scenario reconciling only that scenario's objects
 * (label `security-scenario`, attacker's and victim's alike, so both compete
 * for the same workers), and the victim: another tenant's SchemaMigration,
 * in a namespace of its own, that must still become Ready within 5 s while
 * the attack goes on. The worst victim time of each attack is kept and
 * printed at the end of the suite (docs/benchmarks.md records it).
 */
import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { schemaMigrations } from '../../../src/controllers/resources.js';
import { freshDatabase } from '../../support/pg.js';
import { OperatorProcess, sleep, type OperatorEnv } from '../../support/operator.js';
import { applyRetrying } from '../faults/harness.js';
import { configMap, dbSecret, files, namespace, schemaMigration } from '../../support/manifests.js';

/** The label that tells a scenario's operator which custom resources are its own. */
export const SCENARIO_LABEL = 'security-scenario';

/** How long another tenant's SchemaMigration may take to become Ready during an attack. */
export const VICTIM_READY_MS = 5_000;

/** What the scenarios share. */
export interface SecuritySuite {
  env: OperatorEnv;
  /** Every password used across the suite: none may leak. */
  passwords: Set<string>;
  /** The worst time to Ready of a victim, by attack. */
  worstVictimMs: Map<string, number>;
}

/** `{ security-scenario: SCENARIO }`, for the metadata of a scenario's objects. */
export function scenarioLabels(scenario: string): Record<string, string> {
  return { [SCENARIO_LABEL]: scenario };
}

/**
 * Starts `schema-operator run --selector security-scenario=SCENARIO ...args`
 * and waits for `controllers started`; it is stopped after its scenario.
 */
export async function scenarioOperator(
  suite: SecuritySuite,
  scenario: string,
  args: string[] = [],
): Promise<OperatorProcess> {
  const p = new OperatorProcess({
    kubeconfigPath: suite.env.kubeconfigPath,
    extraArgs: ['--selector', `${SCENARIO_LABEL}=${scenario}`, ...args],
  });
  suite.env.operators.push(p);
  await p.start();
  await p.waitForLog((l) => l.message === 'controllers started', 30_000);
  return p;
}

let victims = 0;

/**
 * Creates another tenant's namespace, database, Secret and SchemaMigration
 * (labelled for `scenario`), waits for it to become Ready, records the time
 * under `attack`, and fails the test past {@link VICTIM_READY_MS}.
 */
export async function victimReadyMs(
  suite: SecuritySuite,
  scenario: string,
  attack: string,
): Promise<number> {
  const { env } = suite;
  const ns = `victim-${scenario}-${++victims}`;
  const url = await freshDatabase(18);
  suite.passwords.add(new URL(url).password);
  const smig = schemaMigration(ns, 'app', { labels: scenarioLabels(scenario) });
  await applyRetrying(env, [
    namespace(ns),
    dbSecret(ns, 'db', url),
    configMap(ns, 'app-migrations', files(['CREATE TABLE victim (id int PRIMARY KEY)'])),
  ]);
  const started = Date.now();
  await applyRetrying(env, [smig]);
  const client = env.client.resource<SchemaMigration>(schemaMigrations);
  let ms = 0;
  for (;;) {
    ms = Date.now() - started;
    const o = await client.find({ namespace: ns, name: 'app' });
    const ready = o?.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'True' && o?.status?.observedGeneration === o?.metadata?.generation)
      break;
    if (ms > VICTIM_READY_MS * 4) break;
    await sleep(25);
  }
  suite.worstVictimMs.set(attack, Math.max(ms, suite.worstVictimMs.get(attack) ?? 0));
  console.log(`      victim ${ns}: Ready after ${ms} ms during "${attack}"`);
  expect(ms, `another tenant's SchemaMigration became Ready after ${ms} ms`).to.be.at.most(
    VICTIM_READY_MS,
  );
  return ms;
}
