/**
 * The object metadata the operator reads and writes, typed here so that
 * src/api/ need not import @kubernetes/client-node (only src/kube/ does).
 * Timestamps are RFC 3339 strings, as on the wire.
 */

/** Standard object metadata (metav1.ObjectMeta, the fields the operator uses). */
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
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
}
