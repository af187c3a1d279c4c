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
