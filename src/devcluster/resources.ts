/**
 * The resource types the server knows: the built-in kinds and whatever the
 * stored CustomResourceDefinitions add. Lookups by group/version/resource
 * are map hits; discovery reads the same table.
 */

/** A printer column of a CRD (`additionalPrinterColumns`). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** What the server serves for one group/version/resource. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: the path segment. */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Has a `/status` subresource: the main endpoint ignores status. */
  status: boolean;
  /** Accepts strategic merge patch (built-in kinds only). */
  strategic: boolean;
  /** Key of the store collection; versions of one CRD share it. */
  storageKey: string;
  /** The verbs served when not all of them (the reviews: create only, nothing stored). */
  verbs?: string[];
  /** Set for custom resources. */
  custom?: {
    schema: object | undefined;
    printerColumns: PrinterColumn[];
  };
}

/** `apiVersion` of a resource type (`v1`, `apps/v1`). */
export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

function builtin(
  group: string,
  version: string,
  resource: string,
  kind: string,
  opts: {
    namespaced: boolean;
    shortNames?: string[];
    status?: boolean;
    categories?: string[];
    verbs?: string[];
  },
): ResourceType {
  return {
    group,
    version,
    resource,
    kind,
    listKind: `${kind}List`,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    status: opts.status ?? false,
    strategic: true,
    storageKey: `${group}/${resource}`,
    ...(opts.verbs ? { verbs: opts.verbs } : {}),
  };
}

/** The kinds every devcluster serves. */
export const BUILTIN_TYPES: readonly ResourceType[] = [
  builtin('', 'v1', 'namespaces', 'Namespace', {
    namespaced: false,
    shortNames: ['ns'],
    status: true,
  }),
  builtin('', 'v1', 'pods', 'Pod', {
    namespaced: true,
    shortNames: ['po'],
    status: true,
    categories: ['all'],
  }),
  builtin('', 'v1', 'configmaps', 'ConfigMap', { namespaced: true, shortNames: ['cm'] }),
  builtin('', 'v1', 'secrets', 'Secret', { namespaced: true }),
  builtin('', 'v1', 'serviceaccounts', 'ServiceAccount', { namespaced: true, shortNames: ['sa'] }),
  builtin('', 'v1', 'events', 'Event', { namespaced: true, shortNames: ['ev'] }),
  // One store behind both Event APIs, as in the real server (converted on the way in and out).
  {
    ...builtin('events.k8s.io', 'v1', 'events', 'Event', { namespaced: true, shortNames: ['ev'] }),
    storageKey: '/events',
  },
  builtin('coordination.k8s.io', 'v1', 'leases', 'Lease', { namespaced: true }),
  // Stored only (no quota controller computes usage): `kubectl create quota` and charts that ship them.
  builtin('', 'v1', 'resourcequotas', 'ResourceQuota', {
    namespaced: true,
    shortNames: ['quota'],
    status: true,
  }),
  builtin('', 'v1', 'limitranges', 'LimitRange', { namespaced: true, shortNames: ['limits'] }),
  // Stored and served, with no controller behind them: enough to apply an install (the chart,
  // the kustomize base) and read it back.
  builtin('', 'v1', 'services', 'Service', {
    namespaced: true,
    shortNames: ['svc'],
    status: true,
    categories: ['all'],
  }),
  // Run by the workload controllers (workloads/): a Deployment makes ReplicaSets, they make pods.
  builtin('apps', 'v1', 'deployments', 'Deployment', {
    namespaced: true,
    shortNames: ['deploy'],
    status: true,
    categories: ['all'],
  }),
  builtin('apps', 'v1', 'replicasets', 'ReplicaSet', {
    namespaced: true,
    shortNames: ['rs'],
    status: true,
    categories: ['all'],
  }),
  builtin('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', { namespaced: false }),
  builtin('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', {
    namespaced: false,
  }),
  builtin('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', { namespaced: true }),
  builtin('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', { namespaced: true }),
  // Enforced on every write the server serves (admission.ts).
  builtin(
    'admissionregistration.k8s.io',
    'v1',
    'validatingadmissionpolicies',
    'ValidatingAdmissionPolicy',
    {
      namespaced: false,
      status: true,
    },
  ),
  builtin(
    'admissionregistration.k8s.io',
    'v1',
    'validatingadmissionpolicybindings',
    'ValidatingAdmissionPolicyBinding',
    { namespaced: false },
  ),
  builtin('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', {
    namespaced: true,
    shortNames: ['pdb'],
    status: true,
  }),
  builtin('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', {
    namespaced: true,
    shortNames: ['netpol'],
  }),
  {
    ...builtin(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
      'CustomResourceDefinition',
      {
        namespaced: false,
        shortNames: ['crd', 'crds'],
        status: true,
      },
    ),
    categories: ['api-extensions'],
  },
  // Asked, answered and never stored (reviews/): `kubectl auth can-i`, `can-i --list`, `whoami`.
  builtin('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', {
    namespaced: false,
    verbs: ['create'],
  }),
  builtin('authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', {
    namespaced: false,
    verbs: ['create'],
  }),
  builtin('authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', {
    namespaced: false,
    verbs: ['create'],
  }),
];

/** The table of served types, keyed by `group/version/resource`. */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  /** Group → versions in preference order, in registration order of groups. */
  private readonly groups = new Map<string, string[]>();

  constructor(types: readonly ResourceType[] = BUILTIN_TYPES) {
    for (const t of types) this.add(t);
  }

  /** Serves `t` (replacing an earlier registration of the same path). */
  add(t: ResourceType): void {
    this.byPath.set(`${t.group}/${t.version}/${t.resource}`, t);
    const versions = this.groups.get(t.group) ?? [];
    if (!versions.includes(t.version)) versions.push(t.version);
    this.groups.set(t.group, versions);
  }

  /** Stops serving every version of `group/resource`. */
  removeResource(group: string, resource: string): void {
    for (const [path, t] of this.byPath) {
      if (t.group === group && t.resource === resource) this.byPath.delete(path);
    }
    const left = this.types().filter((t) => t.group === group);
    if (left.length === 0) this.groups.delete(group);
    else this.groups.set(group, [...new Set(left.map((t) => t.version))]);
  }

  /** The type at a path, or undefined. */
  get(group: string, version: string, resource: string): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${resource}`);
  }

  /** Whether a group/version is served at all. */
  hasVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.includes(version) ?? false;
  }

  /** Every served type. */
  types(): ResourceType[] {
    return [...this.byPath.values()];
  }

  /** Served groups with their versions (the first is preferred). */
  groupVersions(): Array<{ group: string; versions: string[] }> {
    return [...this.groups].map(([group, versions]) => ({ group, versions }));
  }

  /** The types of one group/version. */
  typesOf(group: string, version: string): ResourceType[] {
    return this.types().filter((t) => t.group === group && t.version === version);
  }
}
