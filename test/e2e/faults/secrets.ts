/**
 * Scenario 6: no password used anywhere in the suite (the servers' own, and
 * the wrong one of the bad-input corpus) appears in any operator process's
 * output, in any Event, or in the status of any SchemaMigration or
 * Organization. Registered last, so it sees everything the others left.
 */
import { expect } from 'chai';
import { eventResource, type KubeObject } from '../../../src/kube/index.js';
import { listOrgs, listSmigs, type FaultSuite } from './harness.js';

/** Registers the scenario. */
export function secretsScenario(suite: FaultSuite): void {
  describe('after all of that', () => {
    it('shows no password of the suite in any log line, Event or status', async () => {
      const { env } = suite;
      // Both Event APIs are one store on the server: listing one, cluster-wide, sees all.
      const events = (await env.client.resource<KubeObject>(eventResource).list({})).items;
      const smigs = await listSmigs(env);
      const orgs = await listOrgs(env);
      const places: Array<[string, string]> = [
        ...env.operators.map((p, i): [string, string] => [`operator process ${i}`, p.output()]),
        ['the Events', JSON.stringify(events)],
        ['the SchemaMigration statuses', JSON.stringify(smigs.map((o) => o.status))],
        ['the Organization statuses', JSON.stringify(orgs.map((o) => o.status))],
      ];
      expect(suite.passwords.size).to.be.at.least(3);
      for (const password of suite.passwords) {
        expect(password.length).to.be.greaterThan(5);
        for (const [where, text] of places)
          expect(text.includes(password), `${where} holds a password`).to.equal(false);
      }
      for (const p of env.operators) expect(p.output()).to.not.equal('');
      const bytes = env.operators.reduce((n, p) => n + p.output().length, 0);
      console.log(
        `      secrets: ${suite.passwords.size}/${suite.passwords.size} passwords in none of ` +
          `${env.operators.length} operator processes' output (${(bytes / 1e6).toFixed(1)} MB), ` +
          `${events.length} Events, ${smigs.length} SchemaMigration and ${orgs.length} Organization statuses`,
      );
    });
  });
}
