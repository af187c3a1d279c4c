/**
 * Object metadata (metav1.ObjectMeta), typed once for the whole repository:
 * the API types, the Kubernetes layer and the devcluster all use this one,
 * so that src/api/ need not import @kubernetes/client-node (only src/kube/
 * does). Timestamps are RFC 3339 strings, as on the wire.
 */

/** One owner of an object (metav1.OwnerReference). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** One entry of `metadata.managedFields`: a field manager and the fields it owns. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Standard object metadata (metav1.ObjectMeta, the fields this repository reads or writes). */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  /** Absent on cluster-scoped objects (Organization). */
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** Bumped by the apiserver on every spec change; status records which one it describes. */
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  /** Written by the API server (server-side apply); the operator never sets it. */
  managedFields?: ManagedFieldsEntry[];
}
