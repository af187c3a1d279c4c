/**
 * The RBAC and admission policy of both installs (the chart and the kustomize
 * base): exactly the verbs the code uses, Roles only when the chart watches
 * one namespace, Secrets per namespace when `rbac.secretNamespaces` lists
 * them, and one admission policy, the same in both, on by default
 * (docs/security.md, "RBAC and the admission policy").
 */
import { expect } from 'chai';
import { renderChart, renderKustomize, type Obj } from '../support/packaging/render.js';

const G = 'schema.streamspace.io';

const MANAGED = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * What OrganizationClasses need, cluster-wide in every rendering (an
 * organization's namespace can be any namespace): the classes, the four kinds
 * a class puts in a namespace, and `bind` on the listed ClusterRoles.
 */
const ORGANIZATION_CLASS = {
  [`${G}/organizationclasses`]: ['get', 'list', 'update', 'watch'],
  [`${G}/organizationclasses/status`]: ['patch'],
  resourcequotas: MANAGED,
  limitranges: MANAGED,
  'networking.k8s.io/networkpolicies': MANAGED,
  'rbac.authorization.k8s.io/rolebindings': MANAGED,
  'rbac.authorization.k8s.io/clusterroles': ['bind'],
};

/** The ClusterRoles a class may bind by default (values.yaml, the kustomize base). */
const DEFAULT_BINDABLE = ['edit', 'view', 'streamspace-sessions'];

/** The verbs for cluster-scoped kinds, in every chart rendering. */
const CLUSTER_SCOPED = {
  [`${G}/organizations`]: ['list', 'patch', 'watch'],
  [`${G}/organizations/status`]: ['patch'],
  namespaces: ['create', 'delete', 'list', 'patch', 'watch'],
  ...ORGANIZATION_CLASS,
};

/** The verbs for namespaced kinds, wherever they are granted. */
const NAMESPACED = {
  [`${G}/schemamigrations`]: ['get', 'list', 'watch'],
  [`${G}/schemamigrations/status`]: ['patch'],
  pods: ['list', 'patch', 'watch'],
  configmaps: ['get', 'list', 'watch'],
  'events.k8s.io/events': ['create', 'patch'],
};

const SECRETS = { secrets: ['get', 'list', 'watch'] };

/** Every (group/)resource → sorted verbs a role grants. */
function grants(role: Obj): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rule of role.rules ?? []) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const key = group === '' ? resource : `${group}/${resource}`;
        out[key] = [...(out[key] ?? []), ...rule.verbs].sort();
      }
    }
  }
  return out;
}

const roles = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);

/** The `bind` rules of a role: their resourceNames (undefined for a rule without any). */
const bindable = (role: Obj): Array<string[] | undefined> =>
  (role.rules ?? [])
    .filter((r: Obj) => r.verbs.includes('bind'))
    .map((r: Obj) => r.resourceNames as string[] | undefined);

/** The value of a `--name=value` argument of the first Deployment's operator container. */
const flag = (objs: Obj[], name: string): string | undefined => {
  const args: string[] = objs.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0]
    .args;
  const arg = args.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
};
const where = (r: Obj) => `${r.metadata.namespace ?? '(cluster)'}/${r.metadata.name}`;

describe('RBAC and the admission policy of the installs', function () {
  this.timeout(120_000);

  it('grants cluster-wide exactly what the code uses when watching every namespace', async () => {
    const objs = await renderChart();
    const [clusterRole] = roles(objs, 'ClusterRole');
    expect(roles(objs, 'ClusterRole')).to.have.length(1);
    expect(grants(clusterRole!)).to.deep.equal({ ...CLUSTER_SCOPED, ...NAMESPACED, ...SECRETS });
    expect(roles(objs, 'Role').map(where)).to.deep.equal([
      'ops/so-schema-operator-leader-election',
    ]);
  });

  it('grants namespaced kinds only through Roles when watchNamespace is set', async () => {
    const objs = await renderChart({ values: { watchNamespace: 'streamspace' } });
    expect(grants(roles(objs, 'ClusterRole')[0]!)).to.deep.equal(CLUSTER_SCOPED);
    const byPlace = new Map(roles(objs, 'Role').map((r) => [where(r), grants(r)]));
    expect([...byPlace.keys()].sort()).to.deep.equal([
      'ops/so-schema-operator',
      'ops/so-schema-operator-leader-election',
      'streamspace/so-schema-operator',
    ]);
    expect(byPlace.get('streamspace/so-schema-operator')).to.deep.equal({
      ...NAMESPACED,
      ...SECRETS,
    });
    // Events about Organizations (cluster-scoped) are recorded in the operator's namespace.
    expect(byPlace.get('ops/so-schema-operator')).to.deep.equal({
      'events.k8s.io/events': ['create', 'patch'],
    });
    const bound = roles(objs, 'RoleBinding').map(
      (b) => `${b.metadata.namespace}/${b.roleRef.name}`,
    );
    expect(bound.sort()).to.deep.equal([...byPlace.keys()].sort());
  });

  it('reads Secrets only in rbac.secretNamespaces when it lists them', async () => {
    for (const watchNamespace of ['', 'streamspace']) {
      const objs = await renderChart({
        values: { watchNamespace, rbac: { secretNamespaces: ['a', 'b'] } },
      });
      const all = [...roles(objs, 'ClusterRole'), ...roles(objs, 'Role')];
      const readers = all.filter((r) => grants(r).secrets).map(where);
      expect(readers.sort(), `watchNamespace '${watchNamespace}'`).to.deep.equal([
        'a/so-schema-operator-secrets',
        'b/so-schema-operator-secrets',
      ]);
      for (const r of roles(objs, 'Role').filter((x) => x.metadata.name.endsWith('-secrets')))
        expect(grants(r)).to.deep.equal(SECRETS);
      const subjects = roles(objs, 'RoleBinding').flatMap((b) => b.subjects);
      for (const s of subjects)
        expect(s).to.deep.equal({
          kind: 'ServiceAccount',
          name: 'so-schema-operator',
          namespace: 'ops',
        });
    }
  });

  it('lets a class bind exactly the listed ClusterRoles, never cluster-admin by default', async () => {
    for (const [what, objs] of [
      ['the chart', await renderChart()],
      ['the kustomize base', await renderKustomize()],
    ] as const) {
      const [clusterRole] = roles(objs, 'ClusterRole');
      expect(bindable(clusterRole!), what).to.deep.equal([DEFAULT_BINDABLE]);
      expect(flag(objs, 'bindable-cluster-roles'), what).to.equal(DEFAULT_BINDABLE.join(','));
      expect(DEFAULT_BINDABLE).not.to.include('cluster-admin');
    }
  });

  it('renders the bind rule and the flag from organizationClass.bindableClusterRoles', async () => {
    const two = await renderChart({
      values: { organizationClass: { bindableClusterRoles: ['view', 'tenant-admin'] } },
    });
    expect(bindable(roles(two, 'ClusterRole')[0]!)).to.deep.equal([['view', 'tenant-admin']]);
    expect(flag(two, 'bindable-cluster-roles')).to.equal('view,tenant-admin');
    // Empty: no bind rule at all (a rule without resourceNames would allow every ClusterRole).
    const none = await renderChart({ values: { organizationClass: { bindableClusterRoles: [] } } });
    expect(bindable(roles(none, 'ClusterRole')[0]!)).to.deep.equal([]);
    expect(flag(none, 'bindable-cluster-roles')).to.equal(undefined);
  });

  it('ships the admission policy on by default, for the release ServiceAccount, and leaves it out on request', async () => {
    const objs = await renderChart({ values: { serviceAccount: { name: 'op' } } });
    const policy = objs.find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
    expect(policy.spec.matchConditions).to.deep.equal([
      {
        name: 'operator-service-account',
        expression: "request.userInfo.username == 'system:serviceaccount:ops:op'",
      },
    ]);
    const binding = objs.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(binding.spec).to.deep.equal({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
    });
    const off = await renderChart({ values: { admissionPolicy: { enabled: false } } });
    expect(off.filter((o) => o.kind.startsWith('ValidatingAdmission'))).to.deep.equal([]);
  });

  it('renders the same policy in the chart as in the kustomize base', async () => {
    const chart = await renderChart({
      release: 'schema-operator',
      namespace: 'schema-operator-system',
    });
    const base = await renderKustomize();
    for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']) {
      const a = chart.find((o) => o.kind === kind)!;
      const b = base.find((o) => o.kind === kind)!;
      expect(a.spec, kind).to.deep.equal(b.spec);
      expect(a.metadata.name).to.equal(b.metadata.name);
    }
  });
});
