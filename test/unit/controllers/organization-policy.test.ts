import { expect } from 'chai';
import type { Organization, OrganizationClass } from '../../../src/api/index.js';
import type { OrganizationDeps } from '../../../src/controllers/organization/deps.js';
import { policyObject } from '../../../src/controllers/organization/policy-setup.js';
import { withClassMetadata } from '../../../src/controllers/organization/policy-step.js';
import type { ClassChoice } from '../../../src/controllers/class-of.js';
import { decidePolicy, type PolicyDecision } from '../../../src/controllers/organization/policy.js';
import { desiredPolicy, ORG_LABEL } from '../../../src/controllers/organization/policy-objects.js';
import type { KubeObject } from '../../../src/kube/index.js';

const MANAGED = { 'app.kubernetes.io/managed-by': 'schema-operator' };

function cls(
  spec: OrganizationClass['spec'],
  name = 'standard',
  generation = 3,
): OrganizationClass {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'OrganizationClass',
    metadata: { name, generation },
    spec,
  };
}

const full = cls({
  namespace: { labels: { tier: 'gold' }, annotations: { note: 'x' } },
  podSecurity: 'restricted',
  resourceQuota: { hard: { pods: '20', 'requests.memory': '1024Mi' } },
  limitRange: { limits: [{ type: 'Container', default: { cpu: '500m' } }] },
  networkIsolation: { mode: 'Organization', allowFromNamespaces: ['streamspace'] },
  roleBindings: [
    {
      name: 'org-admins',
      clusterRole: 'edit',
      subjects: [{ kind: 'Group', name: 'org:${organization}:admins' }],
    },
  ],
});

function ns(name = 'acme', labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function ours(
  kind: string,
  name: string,
  extra: Record<string, unknown>,
  org = 'acme',
): KubeObject {
  return {
    kind,
    metadata: {
      name,
      namespace: 'acme',
      resourceVersion: '7',
      labels: { ...MANAGED, [ORG_LABEL]: org },
    },
    ...extra,
  } as KubeObject;
}

/** The objects `full` asks for in acme, as the API server would hand them back. */
function applied(): KubeObject[] {
  return desiredPolicy({
    orgId: 'acme',
    namespace: 'acme',
    cls: full,
    bindableClusterRoles: ['edit'],
  }).objects.map((o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '7' } }));
}

function decide(o: {
  choice?: ClassChoice;
  namespace?: KubeObject;
  existing?: KubeObject[];
  bindable?: string[];
}): PolicyDecision {
  return decidePolicy({
    orgId: 'acme',
    namespace: o.namespace ?? ns(),
    choice: o.choice ?? { kind: 'class', class: full },
    existing: o.existing ?? [],
    bindableClusterRoles: o.bindable ?? ['edit', 'view'],
  });
}

function ops(d: PolicyDecision): string[] {
  return d.kind === 'apply'
    ? d.ops.map((o) => `${o.op} ${o.object.kind}/${o.object.metadata.name}`)
    : [];
}

describe('organization/policy: what a namespace should hold', () => {
  const cases: Array<{
    name: string;
    input: Parameters<typeof decide>[0];
    ops: string[];
    reason: string;
    status: 'True' | 'False';
  }> = [
    {
      name: 'creates all four kinds in an empty namespace',
      input: {},
      ops: [
        'create ResourceQuota/organization',
        'create LimitRange/organization',
        'create NetworkPolicy/organization-isolation',
        'create RoleBinding/org-admins',
      ],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'writes nothing when everything is as the class says (a resync)',
      input: { existing: applied() },
      ops: [],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'writes nothing when the server wrote a quantity in canonical form (1024Mi as 1Gi)',
      input: {
        existing: applied().map((o) =>
          o.kind === 'ResourceQuota'
            ? ({ ...o, spec: { hard: { pods: 20, 'requests.memory': '1Gi' } } } as KubeObject)
            : o,
        ),
      },
      ops: [],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'puts back a quota someone edited',
      input: {
        existing: applied().map((o) =>
          o.kind === 'ResourceQuota'
            ? ({ ...o, spec: { hard: { pods: '999' } } } as KubeObject)
            : o,
        ),
      },
      ops: ['update ResourceQuota/organization'],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'recreates a deleted NetworkPolicy',
      input: { existing: applied().filter((o) => o.kind !== 'NetworkPolicy') },
      ops: ['create NetworkPolicy/organization-isolation'],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'deletes and creates a RoleBinding whose roleRef changed (roleRef is immutable)',
      input: {
        existing: applied().map((o) =>
          o.kind === 'RoleBinding'
            ? ({
                ...o,
                roleRef: {
                  apiGroup: 'rbac.authorization.k8s.io',
                  kind: 'ClusterRole',
                  name: 'view',
                },
              } as KubeObject)
            : o,
        ),
      },
      ops: ['delete RoleBinding/org-admins', 'create RoleBinding/org-admins'],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'deletes an object of the org that the class no longer asks for',
      input: { existing: [...applied(), ours('RoleBinding', 'old-binding', {})] },
      ops: ['delete RoleBinding/old-binding'],
      reason: 'Applied',
      status: 'True',
    },
    {
      name: 'refuses a ClusterRole not in --bindable-cluster-roles and applies the rest',
      input: { bindable: ['view'] },
      ops: [
        'create ResourceQuota/organization',
        'create LimitRange/organization',
        'create NetworkPolicy/organization-isolation',
      ],
      reason: 'ClusterRoleNotBindable',
      status: 'False',
    },
    {
      name: "reports another org's object of the wanted name as a conflict and leaves it",
      input: { existing: [ours('ResourceQuota', 'organization', { spec: { hard: {} } }, 'other')] },
      ops: [
        'create LimitRange/organization',
        'create NetworkPolicy/organization-isolation',
        'create RoleBinding/org-admins',
      ],
      reason: 'Conflict',
      status: 'False',
    },
    {
      name: "never deletes another org's object in the namespace",
      input: {
        choice: { kind: 'none' },
        existing: [ours('LimitRange', 'organization', {}, 'other')],
      },
      ops: [],
      reason: 'NoClass',
      status: 'True',
    },
    {
      name: 'deletes the org objects when no class applies any more',
      input: { choice: { kind: 'none' }, existing: applied() },
      ops: [
        'delete ResourceQuota/organization',
        'delete LimitRange/organization',
        'delete NetworkPolicy/organization-isolation',
        'delete RoleBinding/org-admins',
      ],
      reason: 'NoClass',
      status: 'True',
    },
    {
      name: 'changes nothing when the named class does not exist',
      input: { choice: { kind: 'not-found', name: 'gold' }, existing: applied() },
      ops: [],
      reason: 'ClassNotFound',
      status: 'False',
    },
    {
      name: 'changes nothing when two classes are the default',
      input: { choice: { kind: 'ambiguous', names: ['a', 'b'] }, existing: applied() },
      ops: [],
      reason: 'AmbiguousDefaultClass',
      status: 'False',
    },
    {
      name: 'puts nothing in the shared namespace and says why',
      input: { namespace: ns('streamspace') },
      ops: [],
      reason: 'SharedNamespace',
      status: 'True',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.input);
      expect(ops(d)).to.deep.equal(c.ops);
      expect(d.verdict).to.include({ reason: c.reason, status: c.status });
    });
  }

  it('names the refused role and the flag in the reason', () => {
    const d = decide({ bindable: [] });
    expect(d.verdict.message)
      .to.include('ClusterRole edit')
      .and.include('--bindable-cluster-roles (none)');
  });

  it('labels every object for the operator and the org, and replaces ${organization} in subjects', () => {
    const d = decide({});
    if (d.kind !== 'apply') throw new Error('expected apply');
    for (const { object } of d.ops)
      expect(object.metadata.labels).to.deep.equal({ ...MANAGED, [ORG_LABEL]: 'acme' });
    const rb = d.ops.find((o) => o.object.kind === 'RoleBinding')!.object as unknown as {
      subjects: Array<{ name: string }>;
    };
    expect(rb.subjects[0]!.name).to.equal('org:acme:admins');
  });

  it('isolates ingress to the namespace itself and the listed namespaces', () => {
    const d = decide({});
    if (d.kind !== 'apply') throw new Error('expected apply');
    const np = d.ops.find((o) => o.object.kind === 'NetworkPolicy')!.object as unknown as {
      spec: {
        ingress: Array<{
          from: Array<{ namespaceSelector: { matchLabels: Record<string, string> } }>;
        }>;
      };
    };
    const from = np.spec.ingress[0]!.from.map(
      (f) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
    );
    expect(from).to.deep.equal(['acme', 'streamspace']);
  });

  it('merges class labels and Pod Security labels onto the namespace, removing nothing', () => {
    const d = decide({ namespace: ns('acme', { keep: 'me', tier: 'gold' }) });
    if (d.kind !== 'apply') throw new Error('expected apply');
    expect(d.namespacePatch).to.deep.equal({
      metadata: {
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
        annotations: { note: 'x' },
      },
    });
  });

  it('patches no namespace that already has what the class sets', () => {
    const labels = {
      tier: 'gold',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    };
    const namespace = ns('acme', labels);
    namespace.metadata.annotations = { note: 'x' };
    const d = decide({ namespace, existing: applied() });
    expect(d.kind === 'apply' && d.namespacePatch).to.equal(undefined);
  });

  it('records the class name and generation it applies', () => {
    const d = decide({});
    expect(d).to.include({ kind: 'apply', className: 'standard', classGeneration: 3 });
  });
});

describe('organization/policy-step: a namespace created with its class', () => {
  const deps = (choice: ClassChoice) =>
    ({ policy: { classOf: () => choice } }) as unknown as OrganizationDeps;
  const acme = {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: { displayName: 'Acme' },
  } as Organization;

  it('carries the Pod Security and class labels in the create, keeping the operator’s own', () => {
    const created = withClassMetadata(
      deps({ kind: 'class', class: full }),
      acme,
      ns('acme', { ...MANAGED, tier: 'mine' }),
    );
    expect(created.metadata.labels).to.deep.equal({
      ...MANAGED,
      tier: 'mine',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
    expect(created.metadata.annotations).to.deep.equal({ note: 'x' });
  });

  it('leaves the shared namespace and an org without class as they are', () => {
    const shared = ns('streamspace');
    expect(withClassMetadata(deps({ kind: 'class', class: full }), acme, shared)).to.equal(shared);
    const own = ns('acme');
    expect(withClassMetadata(deps({ kind: 'none' }), acme, own)).to.equal(own);
  });

  it('caches managed objects with what the policy reads: owned fields and whole metadata, no status', () => {
    const metadata = {
      name: 'quota',
      namespace: 'acme',
      resourceVersion: '9',
      labels: { ...MANAGED, [ORG_LABEL]: 'acme' },
      annotations: { keep: 'every annotation: a write carries them over' },
    };
    const served = {
      apiVersion: 'v1',
      metadata: {
        ...metadata,
        managedFields: [
          {
            manager: 'schema-operator',
            operation: 'Update',
            apiVersion: 'v1',
            fieldsType: 'FieldsV1',
            fieldsV1: {},
          },
        ],
      },
      spec: { hard: { pods: '20' } },
      status: { hard: { pods: '20' }, used: { pods: '3' } },
    } as KubeObject;
    expect(policyObject('ResourceQuota', served)).to.deep.equal({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata,
      spec: { hard: { pods: '20' } },
    });
    const binding = {
      metadata,
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'g' }],
    } as KubeObject;
    expect(policyObject('RoleBinding', binding)).to.deep.equal({
      apiVersion: undefined,
      kind: 'RoleBinding',
      metadata,
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'g' }],
    });
  });
});
