/**
 * Security scenario: findings 7, 8 and the Organization parts of 11. An
 * Organization author aims at another team's database, at a row the operator
 * did not create, at `default-org`, at namespaces made beforehand or kept by
 * Retain, at namespaces the install reserves or its pattern excludes, and at
 * the operator's own namespace. Each attempt is refused with a condition
 * that says why, nothing is written or deleted, Organization Events land in
 * the operator's namespace, and another tenant's SchemaMigration still
 * becomes Ready within 5 s meanwhile.
 */
import { expect } from 'chai';
import { API_VERSION, type Organization } from '../../../src/api/index.js';
import { organizations } from '../../../src/controllers/resources.js';
import type { KubeObject } from '../../../src/kube/index.js';
import { freshDatabase, query } from '../../support/pg.js';
import { eventsIn, kubectlIn, waitForSmig } from '../../support/operator.js';
import { applyRetrying, eventually, isReady } from '../faults/harness.js';
import { dbSecret, namespace } from '../../support/manifests.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'organizations';
const PLATFORM = 'orgsec-platform';
const TEAM = 'orgsec-team';
/** The operator's own namespace in this scenario (`run --operator-namespace`). */
const OPERATOR_NS = 'org-operator-home';
/** The install's pattern for organization namespaces. */
const PATTERN = 'org-[a-z0-9-]+';

type Org = Organization;

function smig(ns: string, allowOrganizations: boolean): object {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: ns, labels: scenarioLabels(SCENARIO) },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { bundled: 'streamspace' },
      ...(allowOrganizations ? { allowOrganizations: true } : {}),
    },
  };
}

function org(name: string, spec: Partial<Organization['spec']> = {}): Org {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    metadata: { name, labels: scenarioLabels(SCENARIO) },
    spec: {
      displayName: `Attacker ${name}`,
      databaseRef: { namespace: PLATFORM, name: 'api' },
      ...spec,
    },
  } as Org;
}

/** Registers the scenario. */
export function organizationsScenario(suite: SecuritySuite): void {
  describe('Organizations: databases, rows and namespaces (findings 7, 8, 11)', () => {
    let platformUrl = '';
    let teamUrl = '';
    const orgs = () => suite.env.client.resource<Org>(organizations);
    const nsClient = () =>
      suite.env.client.resource<KubeObject>({
        group: '',
        version: 'v1',
        plural: 'namespaces',
        namespaced: false,
      });
    /** Waits until condition `type` of org `name` has `reason`; returns the org. */
    const waitForOrg = async (name: string, type: string, reason: string): Promise<Org> => {
      let last: Org | undefined;
      await eventually(
        `Organization ${name}: ${type} with reason ${reason}`,
        async () => {
          last = await orgs().find({ name });
          return (
            last?.status?.conditions?.some((c) => c.type === type && c.reason === reason) ?? false
          );
        },
        { timeoutMs: 20_000, detail: () => JSON.stringify(last?.status, null, 2) },
      );
      return last!;
    };
    const deleteOrg = async (name: string) => {
      const r = await kubectlIn(suite.env, ['delete', 'organization', name, '--wait=true']);
      expect(r.code, r.stderr).to.equal(0);
    };
    const row = async (url: string, id: string) =>
      (await query(url, 'SELECT * FROM organizations WHERE id = $1', [id]))[0];

    before(async function () {
      this.timeout(60_000);
      await scenarioOperator(suite, SCENARIO, [
        '--operator-namespace',
        OPERATOR_NS,
        '--reserved-namespaces',
        'org-reserved',
        '--org-namespace-pattern',
        PATTERN,
      ]);
      platformUrl = await freshDatabase(18);
      teamUrl = await freshDatabase(18);
      for (const u of [platformUrl, teamUrl]) suite.passwords.add(new URL(u).password);
      await applyRetrying(suite.env, [
        namespace(OPERATOR_NS),
        namespace(PLATFORM),
        namespace(TEAM),
        dbSecret(PLATFORM, 'db', platformUrl),
        dbSecret(TEAM, 'db', teamUrl),
        smig(PLATFORM, true),
        smig(TEAM, false),
      ]);
      for (const ns of [PLATFORM, TEAM])
        await waitForSmig(suite.env, ns, 'api', (o) => !!o && isReady(o), 40_000);
    });

    it("refuses to write another team's database whose SchemaMigration does not allow Organizations; Delete deletes nothing there", async function () {
      this.timeout(60_000);
      await query(
        teamUrl,
        `INSERT INTO organizations (id, name, display_name) VALUES ('team-org', 'team-org', 'Team')`,
      );
      const before = await row(teamUrl, 'team-org');
      await applyRetrying(suite.env, [
        org('team-org', {
          databaseRef: { namespace: TEAM, name: 'api' },
          deletionPolicy: 'Delete',
        }),
      ]);
      const attack = victimReadyMs(suite, SCENARIO, "an Organization on another team's database");
      const o = await waitForOrg('team-org', 'DatabaseSynced', 'OrganizationsNotAllowed');
      await attack;
      expect(o.status?.conditions?.find((c) => c.type === 'DatabaseSynced')?.message).to.contain(
        'spec.allowOrganizations',
      );
      await deleteOrg('team-org');
      expect(await row(teamUrl, 'team-org')).to.deep.equal(before);
      expect(
        await query(
          teamUrl,
          `SELECT 1 FROM pg_tables WHERE tablename = 'schema_operator_organizations'`,
        ),
      ).to.have.length(0);
    });

    it('never takes over a row the operator did not create, nor deletes it with Delete', async function () {
      this.timeout(60_000);
      await query(
        platformUrl,
        `INSERT INTO organizations (id, name, display_name) VALUES ('api-made', 'api-made', 'Made by the API')`,
      );
      const before = await row(platformUrl, 'api-made');
      await applyRetrying(suite.env, [
        org('api-made', { suspended: true, deletionPolicy: 'Delete' }),
      ]);
      const attack = victimReadyMs(
        suite,
        SCENARIO,
        'an Organization taking over a row it did not create',
      );
      await waitForOrg('api-made', 'DatabaseSynced', 'RowConflict');
      await attack;
      expect(await row(platformUrl, 'api-made')).to.deep.equal(before);
      await deleteOrg('api-made');
      expect(await row(platformUrl, 'api-made')).to.deep.equal(before);
    });

    it('never changes default-org', async function () {
      this.timeout(60_000);
      const before = await row(platformUrl, 'default-org');
      expect(before).to.include({ name: 'default', status: 'active' });
      await applyRetrying(suite.env, [
        org('default-org', { displayName: 'Renamed', suspended: true, deletionPolicy: 'Delete' }),
      ]);
      const attack = victimReadyMs(suite, SCENARIO, 'an Organization named default-org');
      await waitForOrg('default-org', 'DatabaseSynced', 'DefaultOrgProtected');
      await attack;
      await deleteOrg('default-org');
      expect(await row(platformUrl, 'default-org')).to.deep.equal(before);
    });

    it('does not take a namespace made beforehand with the org annotation, without adoptNamespace', async function () {
      this.timeout(60_000);
      await applyRetrying(suite.env, [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: 'org-premade',
            annotations: { 'schema.streamspace.io/organization': 'premade' },
          },
        },
        org('premade', { namespace: 'org-premade', deletionPolicy: 'Delete' }),
      ]);
      const attack = victimReadyMs(
        suite,
        SCENARIO,
        'an Organization claiming a pre-annotated namespace',
      );
      const o = await waitForOrg('premade', 'NamespaceReady', 'Conflict');
      await attack;
      expect(o.status?.phase).to.equal('Conflict');
      await deleteOrg('premade');
      expect(await nsClient().find({ name: 'org-premade' })).to.have.nested.property(
        'metadata.name',
        'org-premade',
      );
    });

    it('never deletes a namespace kept by Retain when a new Organization of the same name has Delete', async function () {
      this.timeout(60_000);
      await applyRetrying(suite.env, [org('keeper', { namespace: 'org-keeper' })]);
      await waitForOrg('keeper', 'Ready', 'Active');
      const made = await nsClient().find({ name: 'org-keeper' });
      expect(made?.metadata?.labels?.['schema.streamspace.io/created-by']).to.equal(
        'schema-operator',
      );
      await deleteOrg('keeper');
      await applyRetrying(suite.env, [
        org('keeper', { namespace: 'org-keeper', deletionPolicy: 'Delete' }),
      ]);
      const attack = victimReadyMs(
        suite,
        SCENARIO,
        'a new Organization inheriting a Retain-ed namespace',
      );
      await waitForOrg('keeper', 'NamespaceReady', 'Conflict');
      await attack;
      // Adopting it is allowed, and makes it a namespace that is never deleted.
      await applyRetrying(suite.env, [
        org('keeper', { namespace: 'org-keeper', deletionPolicy: 'Delete', adoptNamespace: true }),
      ]);
      await waitForOrg('keeper', 'Ready', 'Active');
      await deleteOrg('keeper');
      const kept = await nsClient().find({ name: 'org-keeper' });
      expect(kept?.metadata?.deletionTimestamp).to.equal(undefined);
      expect(kept?.metadata?.labels ?? {}).not.to.have.property('schema.streamspace.io/created-by');
    });

    it("refuses namespaces the install reserves, outside its pattern, or the operator's own", async function () {
      this.timeout(60_000);
      const cases: Array<[string, string, RegExp]> = [
        ['res', 'org-reserved', /reserved by the install/],
        ['istio', 'istio-system', /does not match the install's pattern/],
        ['other-team', TEAM, /does not match the install's pattern/],
        ['home', OPERATOR_NS, /the operator's own/],
      ];
      await applyRetrying(
        suite.env,
        cases.map(([name, ns]) => org(name, { namespace: ns })),
      );
      const attack = victimReadyMs(suite, SCENARIO, 'Organizations asking for reserved namespaces');
      for (const [name, , why] of cases) {
        const o = await waitForOrg(name, 'NamespaceReady', 'ReservedNamespace');
        expect(o.status?.conditions?.find((c) => c.type === 'NamespaceReady')?.message).to.match(
          why,
        );
      }
      await attack;
      expect(await nsClient().find({ name: 'org-reserved' })).to.equal(undefined);
      expect(await nsClient().find({ name: 'istio-system' })).to.equal(undefined);
      const team = await nsClient().find({ name: TEAM });
      expect(team?.metadata?.annotations ?? {}).not.to.have.property(
        'schema.streamspace.io/organization',
      );
    });

    it("has the CRD refuse the operator's default namespace", async () => {
      const r = await kubectlIn(
        suite.env,
        ['apply', '-f', '-'],
        JSON.stringify(org('sysns', { namespace: 'schema-operator-system' })),
      );
      expect(r.code).not.to.equal(0);
      expect(r.stderr).to.contain('schema-operator-system');
    });

    it("records Organization Events in the operator's namespace, not in default", async () => {
      const here = (await eventsIn(suite.env, OPERATOR_NS)).filter(
        (e) => e.regarding?.kind === 'Organization',
      );
      expect(here.map((e) => e.regarding?.name)).to.include.members(['team-org', 'api-made']);
      const inDefault = (await eventsIn(suite.env, 'default')).filter(
        (e) => e.regarding?.kind === 'Organization' && e.regarding?.name === 'team-org',
      );
      expect(inDefault).to.deep.equal([]);
    });
  });
}
