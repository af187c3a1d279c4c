/**
 * Which kinds carry `metadata.generation`. kube-apiserver sets it only where
 * a kind's registry strategy does (`Generation = 1` in PrepareForCreate, +1
 * on a spec change in PrepareForUpdate): custom resources, CRDs, Deployments, ReplicaSets,
 * NetworkPolicies, PodDisruptionBudgets and the admission policies. The other
 * built-in kinds the devcluster serves (ConfigMaps, Secrets, Namespaces,
 * Pods in 1.33, Services, RBAC, Events, Leases, quotas) never get one.
 */
import type { ResourceType } from './resources.js';

/** Store keys (`group/resource`) of the built-in kinds whose strategy tracks generation. */
const TRACKED = new Set([
  'apps/deployments',
  'apps/replicasets',
  'networking.k8s.io/networkpolicies',
  'policy/poddisruptionbudgets',
  'admissionregistration.k8s.io/validatingadmissionpolicies',
  'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'apiextensions.k8s.io/customresourcedefinitions',
]);

/** Whether the server sets and bumps `metadata.generation` for objects of `t`. */
export function tracksGeneration(t: ResourceType): boolean {
  return t.custom !== undefined || TRACKED.has(t.storageKey);
}
