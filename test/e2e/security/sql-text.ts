/**
 * Security scenario: finding 2 (migration text). A tenant's inline
 * migration with a 150,000-space run once froze the event loop for about
 * 100 s (backtracking trims); a source larger than any sane one would be held
 * and checksummed on every reconcile. Now the first is handled in linear
 * time, the second refused as InvalidSource with a reason naming the entry
 * and the limit, and in both cases /healthz answers and another tenant's
 * SchemaMigration becomes Ready.
 */
import { expect } from 'chai';
import { SOURCE_LIMITS } from '../../../src/controllers/schemamigration/limits.js';
import { freshDatabase } from '../../support/pg.js';
import { waitForSmig, type OperatorProcess } from '../../support/operator.js';
import { applyRetrying } from '../faults/harness.js';
import { configMap, dbSecret, namespace, schemaMigration } from '../../support/manifests.js';
import { API_VERSION } from '../../../src/api/index.js';
import type { KubeObject } from '../../../src/kube/index.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'sql-text';

/** The health URL of the operator's current incarnation. */
async function healthz(p: OperatorProcess): Promise<number> {
  const started = await p.waitForLog((l) => l.message === 'schema-operator started', 20_000);
  const t0 = Date.now();
  const res = await fetch(`${String(started.healthUrl)}/healthz`, {
    signal: AbortSignal.timeout(2_000),
  });
  expect(res.status).to.equal(200);
  return Date.now() - t0;
}

/** An inline SchemaMigration of the scenario. */
function inlineSmig(ns: string, name: string, sql: string): object {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name, namespace: ns, labels: scenarioLabels(SCENARIO) },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { inline: [{ version: '001', name: 'spaces', sql }] },
    },
  };
}

/** Registers the scenario. */
export function sqlTextScenario(suite: SecuritySuite): void {
  describe('migration text (finding 2)', () => {
    let operator: OperatorProcess;
    const ns = 'attacker-sql-text';

    before(async () => {
      operator = await scenarioOperator(suite, SCENARIO);
      const url = await freshDatabase(18);
      suite.passwords.add(new URL(url).password);
      await applyRetrying(suite.env, [namespace(ns), dbSecret(ns, 'db', url)]);
    });

    it('applies an inline migration with a 150,000-space run at once, /healthz answering', async () => {
      const sql = 'SELECT 1;' + ' '.repeat(150_000) + 'SELECT 2;';
      await applyRetrying(suite.env, [inlineSmig(ns, 'spaces', sql)]);
      const victim = victimReadyMs(suite, SCENARIO, 'inline migration with 150,000 spaces');
      expect(await healthz(operator)).to.be.below(1_000);
      await waitForSmig(
        suite.env,
        ns,
        'spaces',
        (o) =>
          o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
        10_000,
      );
      await victim;
    });

    it('refuses a source over the size limit, naming the ConfigMap key and the limit', async () => {
      // Nine ConfigMaps of about 1,000,000 bytes pass the 8 MiB limit of a source.
      const maps = Array.from({ length: 9 }, (_, i) =>
        configMap(ns, `big-${i}`, {
          [`${String(i + 1).padStart(3, '0')}_big.sql`]: `SELECT 1;\n-- ${'x'.repeat(999_000)}\n`,
        }),
      );
      // Created with POSTs: kubectl apply would copy each into an annotation, over the request limit.
      const cms = suite.env.client.resource<KubeObject>({
        group: '',
        version: 'v1',
        plural: 'configmaps',
        namespaced: true,
      });
      for (const cm of maps) await cms.create(cm as KubeObject);
      const names = maps.map((_, i) => `big-${i}`);
      await applyRetrying(suite.env, [
        schemaMigration(ns, 'big', { configMaps: names, labels: scenarioLabels(SCENARIO) }),
      ]);
      const victim = victimReadyMs(suite, SCENARIO, 'source over the size limit (9 MB)');
      const o = await waitForSmig(
        suite.env,
        ns,
        'big',
        (s) => s?.status?.conditions?.some((c) => c.reason === 'InvalidSource') ?? false,
        10_000,
      );
      const ready = o.status!.conditions!.find((c) => c.type === 'Ready')!;
      expect(ready.message).to.include(`configmap ${ns}/big-8`);
      expect(ready.message).to.include(String(SOURCE_LIMITS.maxSourceBytes));
      expect(await healthz(operator)).to.be.below(1_000);
      await victim;
    });
  });
}
