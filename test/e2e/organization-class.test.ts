/**
 * OrganizationClass end to end, with the operator process on the devcluster
 * (`run --bindable-cluster-roles edit,view`): the four kinds and the Pod
 * Security labels appear, an edit or a deletion by someone else is put back
 * (the time it takes is printed), a class change reaches every org of it,
 * the default class and two defaults, the shared and an adopted namespace,
 * a refused ClusterRole, and a class deletion held by its finalizer.
 *
 * Most orgs have no database: the policy step runs after the namespace step,
 * whatever the database gate says. The deletion test has one (deletion
 * needs the row dealt with first).
 */
import { expect } from 'chai';
import { API_VERSION, type Organization, type OrganizationClass } from '../../src/api/index.js';
import {
  limitRanges,
  namespaces,
  networkPolicies,
  organizationClasses,
  organizations,
  resourceQuotas,
  roleBindings,
} from '../../src/controllers/resources.js';
import type { KubeObject, ResourceRef } from '../../src/kube/index.js';
import { dbSecret, namespace } from '../support/manifests.js';
import {
  apply,
  hasCondition,
  kubectlIn,
  useOperatorEnv,
  waitForSmig,
} from '../support/operator.js';
import { freshDatabase } from '../support/pg.js';
import { eventually } from './faults/harness.js';

const MANAGED = 'app.kubernetes.io/managed-by';

/** `schema_operator_organization_policy_repairs_total` of `kind` in a /metrics text. */
function repairs(text: string, kind: string): number {
  const re = new RegExp(
    `^schema_operator_organization_policy_repairs_total\\{kind="${kind}"\\} (\\d+)$`,
    'm',
  );
  return Number(re.exec(text)?.[1] ?? 0);
}
const ORG = 'schema.streamspace.io/organization';
const DEFAULT = 'schema.streamspace.io/is-default-class';

type Spec = NonNullable<OrganizationClass['spec']>;

function orgClass(name: string, spec: Spec, isDefault = false): OrganizationClass {
  return {
    apiVersion: API_VERSION,
    kind: 'OrganizationClass',
    metadata: { name, ...(isDefault ? { annotations: { [DEFAULT]: 'true' } } : {}) },
    spec,
  };
}

function org(name: string, spec: Partial<Organization['spec']> = {}): Organization {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    metadata: { name },
    spec: { displayName: name, namespace: name, ...spec },
  };
}

const standard: Spec = {
  podSecurity: 'baseline',
  namespace: { labels: { 'schema.streamspace.io/tier': 'standard' } },
  resourceQuota: { hard: { pods: '20', 'requests.memory': '8Gi' } },
  limitRange: {
    limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' } }],
  },
  networkIsolation: { mode: 'Organization', allowFromNamespaces: ['streamspace'] },
  roleBindings: [
    {
      name: 'streamspace-controller',
      clusterRole: 'edit',
      subjects: [
        { kind: 'ServiceAccount', name: 'streamspace-controller', namespace: 'streamspace' },
      ],
    },
    {
      name: 'org-admins',
      clusterRole: 'view',
      subjects: [{ kind: 'Group', name: 'org:${organization}:admins' }],
    },
  ],
};

describe('OrganizationClass: every org namespace gets its quota, limits, isolation and access, kept that way', function () {
  this.timeout(60_000);
  const env = useOperatorEnv({ extraArgs: ['--bindable-cluster-roles', 'edit,view'] });
  const res = <T extends KubeObject>(ref: ResourceRef) => env.client.resource<T>(ref);
  const readOrg = (name: string) => res<Organization>(organizations).find({ name });
  const readClass = (name: string) => res<OrganizationClass>(organizationClasses).find({ name });
  const policy = async (name: string) => {
    const o = await readOrg(name);
    return o?.status?.conditions?.find((c) => c.type === 'PolicyApplied');
  };
  const waitForPolicy = async (name: string, reason: string, timeoutMs = 15_000) => {
    await eventually(
      `${name}: PolicyApplied ${reason}`,
      async () => (await policy(name))?.reason === reason,
      {
        timeoutMs,
        detail: async () => JSON.stringify((await readOrg(name))?.status, null, 2),
      },
    );
    return (await readOrg(name))!;
  };
  const kinds: Array<[string, ResourceRef, string]> = [
    ['ResourceQuota', resourceQuotas, 'organization'],
    ['LimitRange', limitRanges, 'organization'],
    ['NetworkPolicy', networkPolicies, 'organization-isolation'],
    ['RoleBinding', roleBindings, 'streamspace-controller'],
    ['RoleBinding', roleBindings, 'org-admins'],
  ];
  const quota = (ns: string) =>
    res<KubeObject & { spec: { hard: Record<string, string> } }>(resourceQuotas).find({
      namespace: ns,
      name: 'organization',
    });
  const ok = async (...args: string[]) => {
    const r = await kubectlIn(env, args);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout;
  };

  before(async () => {
    await apply(env, orgClass('standard', standard));
  });

  it('creates the four kinds, labelled, and the Pod Security labels; kubectl get org shows the class', async () => {
    await apply(env, org('acme', { className: 'standard' }));
    const o = await waitForPolicy('acme', 'Applied');
    expect(o.status?.className).to.equal('standard');
    for (const [kind, ref, name] of kinds) {
      const obj = await res(ref).find({ namespace: 'acme', name });
      expect(obj, `${kind}/${name}`).to.not.equal(undefined);
      expect(obj!.metadata.labels).to.include({ [MANAGED]: 'schema-operator', [ORG]: 'acme' });
    }
    const admins = (await res<KubeObject & { subjects: Array<{ name: string }> }>(
      roleBindings,
    ).find({
      namespace: 'acme',
      name: 'org-admins',
    }))!;
    expect(admins.subjects[0]!.name).to.equal('org:acme:admins');
    const ns = (await res(namespaces).find({ name: 'acme' }))!;
    expect(ns.metadata.labels).to.include({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'schema.streamspace.io/tier': 'standard',
    });
    expect(o.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.not.equal('True');
    const table = await ok('get', 'org', 'acme');
    expect(table.split('\n')[0]).to.match(/CLASS/);
    expect(table).to.match(/acme\s+\S+\s+acme\s+standard/);
  });

  it('puts back a quota someone edited, within seconds', async () => {
    // From the start of kubectl: its own run is part of the figure, an upper bound of the repair.
    const t0 = performance.now();
    await ok(
      'patch',
      'resourcequota',
      'organization',
      '-n',
      'acme',
      '--type=merge',
      '-p',
      '{"spec":{"hard":{"pods":"999"}}}',
    );
    await eventually(
      'the quota put back',
      async () => (await quota('acme'))?.spec.hard.pods === '20',
      {
        timeoutMs: 10_000,
      },
    );
    console.log(
      `      quota put back ${Math.round(performance.now() - t0)} ms after kubectl patch started`,
    );
  });

  it('recreates a deleted NetworkPolicy, and counts both repairs by kind', async () => {
    const t0 = performance.now();
    await ok('delete', 'networkpolicy', 'organization-isolation', '-n', 'acme');
    await eventually(
      'the NetworkPolicy recreated',
      async () =>
        !!(await res(networkPolicies).find({ namespace: 'acme', name: 'organization-isolation' })),
      { timeoutMs: 10_000 },
    );
    console.log(
      `      NetworkPolicy recreated ${Math.round(performance.now() - t0)} ms after kubectl delete started`,
    );
    const text = await env.operators[0]!.metrics();
    expect(repairs(text, 'ResourceQuota'), text).to.be.at.least(1);
    expect(repairs(text, 'NetworkPolicy'), text).to.be.at.least(1);
  });

  it('carries a class change to every org of the class and counts them on the class', async () => {
    await apply(env, org('beta', { className: 'standard' }));
    await waitForPolicy('beta', 'Applied');
    const t0 = performance.now();
    await apply(
      env,
      orgClass('standard', { ...standard, resourceQuota: { hard: { pods: '30' } } }),
    );
    await eventually(
      'both quotas at 30 pods',
      async () =>
        (await quota('acme'))?.spec.hard.pods === '30' &&
        (await quota('beta'))?.spec.hard.pods === '30',
      { timeoutMs: 15_000 },
    );
    console.log(
      `      class change reached 2 orgs ${Math.round(performance.now() - t0)} ms after kubectl apply started`,
    );
    await eventually(
      'the class Ready with 2 of 2 applied',
      async () => {
        const c = await readClass('standard');
        return (
          c?.status?.organizations?.applied === 2 &&
          c.status.organizations.total === 2 &&
          c.status.conditions?.find((x) => x.type === 'Ready')?.status === 'True'
        );
      },
      {
        timeoutMs: 15_000,
        detail: async () => JSON.stringify((await readClass('standard'))?.status),
      },
    );
    expect((await readClass('standard'))!.metadata.finalizers).to.include(
      'schema.streamspace.io/organization-class',
    );
  });

  it('gives orgs without className the default class, and none of two defaults', async () => {
    await apply(env, orgClass('basic', { resourceQuota: { hard: { pods: '5' } } }, true));
    await apply(env, org('gamma'));
    await waitForPolicy('gamma', 'Applied');
    expect((await readOrg('gamma'))!.status?.className).to.equal('basic');
    expect((await quota('gamma'))!.spec.hard.pods).to.equal('5');

    await apply(env, orgClass('basic2', { resourceQuota: { hard: { pods: '6' } } }, true));
    await waitForPolicy('gamma', 'AmbiguousDefaultClass');
    expect((await quota('gamma'))!.spec.hard.pods, 'nothing changed').to.equal('5');
    await eventually(
      'basic marked AmbiguousDefault',
      async () =>
        (await readClass('basic'))?.status?.conditions?.some(
          (c) => c.type === 'AmbiguousDefault' && c.status === 'True',
        ) ?? false,
      { timeoutMs: 10_000 },
    );
    await ok('delete', 'orgclass', 'basic2');
    await waitForPolicy('gamma', 'Applied');
  });

  it('puts nothing in the shared namespace and says why; the org stays as Ready as before', async () => {
    await apply(env, org('shared-one', { className: 'standard', namespace: 'streamspace' }));
    const o = await waitForPolicy('shared-one', 'SharedNamespace');
    expect(o.status?.conditions?.find((c) => c.type === 'PolicyApplied')?.status).to.equal('True');
    expect(o.status?.conditions?.find((c) => c.type === 'NamespaceReady')?.status).to.equal('True');
    expect(await quota('streamspace')).to.equal(undefined);
  });

  it('applies the class in an adopted namespace and removes only its objects with deletionPolicy Delete', async function () {
    this.timeout(90_000);
    const url = await freshDatabase(18);
    await apply(env, namespace('platform'), dbSecret('platform', 'db', url), {
      apiVersion: API_VERSION,
      kind: 'SchemaMigration',
      metadata: { name: 'api', namespace: 'platform' },
      spec: {
        database: { urlSecretRef: { name: 'db', key: 'url' } },
        source: { bundled: 'streamspace' },
        allowOrganizations: true,
      },
    });
    await waitForSmig(env, 'platform', 'api', hasCondition('Ready', 'True'), 60_000);
    await ok('create', 'namespace', 'adopted');
    await apply(
      env,
      org('adopted', {
        className: 'standard',
        adoptNamespace: true,
        deletionPolicy: 'Delete',
        databaseRef: { namespace: 'platform', name: 'api' },
      }),
    );
    await waitForPolicy('adopted', 'Applied');
    expect(await quota('adopted')).to.not.equal(undefined);
    await ok('delete', 'org', 'adopted', '--wait=true');
    expect(
      await res(namespaces).find({ name: 'adopted' }),
      'the adopted namespace stays',
    ).to.not.equal(undefined);
    for (const [kind, ref, name] of kinds)
      expect(await res(ref).find({ namespace: 'adopted', name }), `${kind}/${name}`).to.equal(
        undefined,
      );
  });

  it('changes nothing when the class named does not exist', async () => {
    await apply(env, org('beta', { className: 'none-such' }));
    await waitForPolicy('beta', 'ClassNotFound');
    expect((await quota('beta'))?.spec.hard.pods).to.equal('30');
  });

  it('refuses a ClusterRole that is not bindable, naming it and the flag, and applies the rest', async () => {
    await apply(
      env,
      orgClass('admins', {
        resourceQuota: { hard: { pods: '1' } },
        roleBindings: [
          {
            name: 'too-much',
            clusterRole: 'cluster-admin',
            subjects: [{ kind: 'User', name: 'mallory' }],
          },
        ],
      }),
    );
    await apply(env, org('delta', { className: 'admins' }));
    await waitForPolicy('delta', 'ClusterRoleNotBindable');
    const c = await policy('delta');
    expect(c?.status).to.equal('False');
    expect(c?.message).to.include('cluster-admin').and.include('--bindable-cluster-roles');
    expect(await res(roleBindings).find({ namespace: 'delta', name: 'too-much' })).to.equal(
      undefined,
    );
    expect(await quota('delta')).to.not.equal(undefined);
  });

  it('holds a class deletion while orgs use it, and lets it go once none do', async () => {
    await ok('delete', 'orgclass', 'admins', '--wait=false');
    await eventually(
      'admins DeletionHeld',
      async () =>
        (await readClass('admins'))?.status?.conditions?.some((x) => x.reason === 'DeletionHeld') ??
        false,
      { timeoutMs: 10_000 },
    );
    expect(await quota('delta'), 'the policy stays while held').to.not.equal(undefined);
    await apply(env, org('delta', { className: 'standard' }));
    await eventually('admins gone', async () => (await readClass('admins')) === undefined, {
      timeoutMs: 10_000,
    });
    await waitForPolicy('delta', 'Applied');
  });
});
