/**
 * What an OrganizationClass asks for in one organization's namespace, as
 * objects: a pure function of the class, the org id, the namespace and the
 * ClusterRoles the install lets the operator bind. Every object carries the
 * two labels that make it the operator's (the operator never touches an
 * object without them); the names are fixed so that an org has at most one
 * of each, and a RoleBinding is named by the class entry.
 */
import { GROUP, type OrganizationClass } from '../../api/index.js';
import type { KubeObject } from '../../kube/index.js';
import { MANAGED_BY_LABEL } from './namespace.js';

/** The value of {@link MANAGED_BY_LABEL} on every object the operator manages. */
export const MANAGED_BY_VALUE = 'schema-operator';
/** Label: the id of the organization an object was made for. */
export const ORG_LABEL = `${GROUP}/organization`;
/** The label selector of the informers that cache only the operator's objects. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** Name of the ResourceQuota and the LimitRange of an org. */
export const POLICY_OBJECT_NAME = 'organization';
/** Name of the NetworkPolicy of an org. */
export const ISOLATION_POLICY_NAME = 'organization-isolation';
/** The placeholder in a RoleBinding subject's name replaced by the org id. */
export const ORG_PLACEHOLDER = '${organization}';

/** Pod Security Admission labels (pod-security.kubernetes.io). */
export const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';
/** The version label that goes with {@link PSA_ENFORCE}. */
export const PSA_ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';

/** A RoleBinding the class asks for but the operator may not create. */
export interface Refusal {
  name: string;
  clusterRole: string;
  message: string;
}

/** The objects and namespace metadata a class asks for. */
export interface DesiredPolicy {
  /** ResourceQuota, LimitRange, NetworkPolicy and RoleBindings, as they should be. */
  objects: KubeObject[];
  /** Labels and annotations merged onto the namespace. */
  namespaceLabels: Record<string, string>;
  namespaceAnnotations: Record<string, string>;
  refusals: Refusal[];
}

/** Options of {@link desiredPolicy}. */
export interface DesiredPolicyInput {
  orgId: string;
  namespace: string;
  cls: OrganizationClass;
  /** `run --bindable-cluster-roles`: the only ClusterRoles a class may bind. */
  bindableClusterRoles: readonly string[];
}

/** What `i.cls` asks for in `i.namespace`. */
export function desiredPolicy(i: DesiredPolicyInput): DesiredPolicy {
  const spec = i.cls.spec ?? {};
  const meta = (kind: string, apiVersion: string, name: string): KubeObject => ({
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: i.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [ORG_LABEL]: i.orgId },
    },
  });
  const objects: KubeObject[] = [];
  if (spec.resourceQuota)
    objects.push({
      ...meta('ResourceQuota', 'v1', POLICY_OBJECT_NAME),
      spec: { hard: { ...spec.resourceQuota.hard } },
    } as KubeObject);
  if (spec.limitRange)
    objects.push({
      ...meta('LimitRange', 'v1', POLICY_OBJECT_NAME),
      spec: { limits: structuredClone(spec.limitRange.limits) },
    } as KubeObject);
  if (spec.networkIsolation?.mode === 'Organization')
    objects.push({
      ...meta('NetworkPolicy', 'networking.k8s.io/v1', ISOLATION_POLICY_NAME),
      spec: isolationSpec(i.namespace, spec.networkIsolation.allowFromNamespaces ?? []),
    } as KubeObject);

  const refusals: Refusal[] = [];
  for (const rb of spec.roleBindings ?? []) {
    if (!i.bindableClusterRoles.includes(rb.clusterRole)) {
      const allowed = i.bindableClusterRoles.length ? i.bindableClusterRoles.join(', ') : 'none';
      refusals.push({
        name: rb.name,
        clusterRole: rb.clusterRole,
        message: `RoleBinding ${rb.name}: ClusterRole ${rb.clusterRole} is not in the operator's --bindable-cluster-roles (${allowed})`,
      });
      continue;
    }
    objects.push({
      ...meta('RoleBinding', 'rbac.authorization.k8s.io/v1', rb.name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: rb.clusterRole },
      subjects: rb.subjects.map((s) => ({
        kind: s.kind,
        name: s.name.split(ORG_PLACEHOLDER).join(i.orgId),
        // The API server fills apiGroup in for users and groups; written here so a read-back compares equal.
        ...(s.kind === 'ServiceAccount'
          ? { namespace: s.namespace ?? i.namespace }
          : { apiGroup: 'rbac.authorization.k8s.io' }),
      })),
    } as KubeObject);
  }

  const namespaceLabels: Record<string, string> = { ...spec.namespace?.labels };
  if (spec.podSecurity) {
    namespaceLabels[PSA_ENFORCE] = spec.podSecurity;
    namespaceLabels[PSA_ENFORCE_VERSION] = 'latest';
  }
  return {
    objects,
    namespaceLabels,
    namespaceAnnotations: { ...spec.namespace?.annotations },
    refusals,
  };
}

/** Ingress only from pods of the namespace itself and of the listed namespaces. */
function isolationSpec(namespace: string, allowFrom: readonly string[]): Record<string, unknown> {
  const from = [namespace, ...allowFrom.filter((n) => n !== namespace)].map((n) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } },
  }));
  return { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from }] };
}
