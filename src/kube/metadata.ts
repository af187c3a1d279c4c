/**
 * Metadata-only reads: a resource listed and watched as PartialObjectMetadata
 * (kube-apiserver leaves out data, spec and status), and a transform that
 * keeps only what identifies an object, since managedFields and kubectl's
 * last-applied annotation can repeat a ConfigMap's whole content. Following
 * every ConfigMap of a cluster this way costs a few hundred bytes each.
 */
import type { KubeClient } from './client.js';
import { ResourceClient, type KubeObject, type ResourceRef } from './resource-client.js';

/** An object as a metadata-only watch delivers it: kind, apiVersion and metadata, nothing else. */
export type PartialObjectMetadata = KubeObject;

/** A client whose list and watch are metadata-only. No I/O. */
export function metadataClient(
  client: KubeClient,
  ref: ResourceRef,
): ResourceClient<PartialObjectMetadata> {
  return new ResourceClient<PartialObjectMetadata>(client.transport, ref, { metadataOnly: true });
}

/** Name, namespace, uid, resourceVersion and deletion only: the informer transform for them. */
export function identityOnly(o: PartialObjectMetadata): PartialObjectMetadata {
  const m = o.metadata;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      ...(m.deletionTimestamp ? { deletionTimestamp: m.deletionTimestamp } : {}),
    },
  };
}

/** kubectl's copy of the last applied object: as large as the object itself, and read by no controller. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** `m` without managedFields and the last-applied annotation (the same object when it has neither). */
function leanMetadata(m: KubeObject['metadata']): KubeObject['metadata'] {
  const annotations = m.annotations;
  const lastApplied = annotations !== undefined && LAST_APPLIED_ANNOTATION in annotations;
  if (m.managedFields === undefined && !lastApplied) return m;
  const lean = { ...m };
  delete lean.managedFields;
  if (lastApplied) {
    lean.annotations = { ...annotations };
    delete lean.annotations[LAST_APPLIED_ANNOTATION];
  }
  return lean;
}

/**
 * The informer transform for objects whose content the controllers read:
 * the object as the API sent it, less managedFields and the last-applied
 * annotation. Those are bookkeeping of the API server and kubectl, can be
 * larger than the rest of the object (one entry per field manager, and a
 * copy of the whole applied object), and no controller reads them; in a
 * cache of thousands of objects they are most of the memory.
 */
export function withoutBookkeeping<T extends KubeObject>(o: T): T {
  const metadata = leanMetadata(o.metadata);
  return metadata === o.metadata ? o : { ...o, metadata };
}

/**
 * The informer transform for a metadata-only watch whose handlers read
 * labels and annotations too (Namespaces: their owner and class policy live
 * there): kind, apiVersion and the metadata without its bookkeeping.
 */
export function metadataWithoutBookkeeping(o: PartialObjectMetadata): PartialObjectMetadata {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: leanMetadata(o.metadata) };
}
