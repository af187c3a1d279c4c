/**
 * Security scenario: findings 5 and 9 (ConfigMaps and Secrets). A tenant's
 * large ConfigMaps that no SchemaMigration names once filled the operator's
 * cache of every ConfigMap in the cluster until the heap ran out; now
 * ConfigMaps and Secrets are watched metadata-only and read only when a CR
 * names them, so the operator stays up and small while another tenant's
 * SchemaMigration becomes Ready. And a Secret repointed at another database
 * wakes its CR, which applies its migrations there instead of staying Ready
 * against the old one.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { ConfigMapObject } from '../../../src/kube/index.js';
import { freshDatabase, query } from '../../support/pg.js';
import { waitForSmig, type OperatorProcess } from '../../support/operator.js';
import { applyRetrying, eventually } from '../faults/harness.js';
import { configMap, dbSecret, files, namespace, schemaMigration } from '../../support/manifests.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'configmaps';
const cmsRef = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

/** The resident memory of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) * 1024;
}

const ready = (
  o: { status?: { conditions?: Array<{ type: string; status: string }> } } | undefined,
) => o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Registers the scenario. */
export function configMapsScenario(suite: SecuritySuite): void {
  describe('ConfigMaps and Secrets the operator reads (findings 5 and 9)', () => {
    let operator: OperatorProcess;
    const ns = 'attacker-configmaps';

    before(async () => {
      operator = await scenarioOperator(suite, SCENARIO);
      await applyRetrying(suite.env, [namespace(ns)]);
    });

    it('stays up and small while a tenant creates 60 unrelated 900 KB ConfigMaps', async function () {
      this.timeout(120_000);
      const before = rssOf(operator.pid!);
      const cms = suite.env.client.resource<ConfigMapObject>(cmsRef);
      const body = 'x'.repeat(900 * 1024);
      const count = 60;
      for (let i = 0; i < count; i++)
        await cms.create({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `junk-${i}`, namespace: ns },
          data: { 'junk.txt': body },
        });
      await victimReadyMs(suite, SCENARIO, `${count} unrelated 900 KB ConfigMaps`);
      expect(operator.running, 'the operator is still running').to.equal(true);
      const grew = rssOf(operator.pid!) - before;
      console.log(
        `      operator RSS grew by ${(grew / 2 ** 20).toFixed(1)} MiB for ${((count * body.length) / 2 ** 20).toFixed(0)} MiB of unrelated ConfigMaps`,
      );
      // Caching them would add at least their size (54 MiB, twice that as JavaScript strings).
      expect(grew).to.be.below((count * body.length) / 3);
    });

    it("applies the migrations to the new database when a Ready CR's Secret is repointed", async function () {
      this.timeout(60_000);
      const first = await freshDatabase(18);
      const second = await freshDatabase(18);
      suite.passwords.add(new URL(first).password).add(new URL(second).password);
      await applyRetrying(suite.env, [
        dbSecret(ns, 'db', first),
        configMap(ns, 'app-migrations', files(['CREATE TABLE moved (id int PRIMARY KEY)'])),
        schemaMigration(ns, 'app', { labels: scenarioLabels(SCENARIO) }),
      ]);
      await waitForSmig(suite.env, ns, 'app', ready, 10_000);
      const tables = (url: string) =>
        query<{ n: number }>(
          url,
          `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'moved'`,
        );
      expect((await tables(second))[0]!.n).to.equal(0);

      await applyRetrying(suite.env, [dbSecret(ns, 'db', second)]);
      const victim = victimReadyMs(suite, SCENARIO, 'Secret repointed to an empty database');
      await eventually(
        'the migration applied in the new database',
        async () => (await tables(second))[0]!.n === 1,
        { timeoutMs: 10_000 },
      );
      await waitForSmig(suite.env, ns, 'app', ready, 10_000);
      await victim;
    });
  });
}
