/**
 * Namespace rules of an Organization (DESIGN section 5), as pure decisions:
 * what to do with the namespace an org asks for, given what exists. Each rule
 * comes from someone else's incident:
 *
 * - ownership is an annotation pair (org id + UID), never an ownerReference:
 *   garbage collection has deleted whole fleets of tenant namespaces through
 *   ownerReferences on Namespaces;
 * - a namespace annotated for another org, or one that exists and no org we
 *   know created, is a Conflict: the org hands off instead of taking it over
 *   (the namespace-hijack class of bugs), unless `adoptNamespace` says so for
 *   an unannotated one; an adopted namespace is never deleted;
 * - reserved namespaces (kube-*, default, the operator's own) are refused here
 *   too, not only by the CRD's CEL rule;
 * - the shared namespace is ensured but never annotated, owned or deleted.
 */
import { GROUP } from '../../api/index.js';
import type { KubeObject } from '../../kube/index.js';

/** The shared namespace: ensured, never owned, never deleted. */
export const SHARED_NAMESPACE = 'streamspace';
/** Annotation: the id of the organization that holds the namespace. */
export const ORG_ANNOTATION = `${GROUP}/organization`;
/** Annotation: the UID of that Organization object. */
export const ORG_UID_ANNOTATION = `${GROUP}/organization-uid`;
/** Annotation `"true"`: the namespace existed before and was adopted; it is never deleted. */
export const ADOPTED_ANNOTATION = `${GROUP}/adopted`;
/** Label `"true"` on the namespace of a suspended organization. */
export const SUSPENDED_LABEL = `${GROUP}/suspended`;
/** Label on namespaces this operator created. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** The org as the namespace rules see it. */
export interface OrgIdentity {
  id: string;
  uid: string;
  adopt: boolean;
  suspended: boolean;
}

/** What to do about the namespace. */
export type NamespaceDecision =
  | { kind: 'refuse'; reason: 'ReservedNamespace'; message: string }
  | { kind: 'conflict'; reason: 'Conflict'; message: string }
  | { kind: 'wait'; reason: 'NamespaceTerminating'; message: string }
  | { kind: 'create'; object: KubeObject }
  /** Exists and is usable; `patch` (a merge patch of metadata) only when something must change. */
  | { kind: 'ready'; patch?: Record<string, unknown> };

/** True for namespaces no organization may use: kube-*, default, and the operator's own. */
export function isReserved(name: string, operatorNamespace?: string): boolean {
  return name.startsWith('kube-') || name === 'default' || name === operatorNamespace;
}

/**
 * The decision for namespace `name` of `org`, given the namespace as it
 * exists (`existing`, undefined when absent).
 */
export function decideNamespace(
  name: string,
  org: OrgIdentity,
  existing: KubeObject | undefined,
  operatorNamespace?: string,
): NamespaceDecision {
  if (isReserved(name, operatorNamespace))
    return {
      kind: 'refuse',
      reason: 'ReservedNamespace',
      message: `namespace ${name} is reserved (kube-*, default, the operator's own) and cannot belong to an organization`,
    };
  if (existing?.metadata?.deletionTimestamp)
    return {
      kind: 'wait',
      reason: 'NamespaceTerminating',
      message: `namespace ${name} is being deleted; waiting for it to go`,
    };
  if (name === SHARED_NAMESPACE) {
    if (!existing) return { kind: 'create', object: namespaceObject(name) };
    return { kind: 'ready' };
  }
  if (!existing) {
    const obj = namespaceObject(name);
    obj.metadata!.annotations = { [ORG_ANNOTATION]: org.id, [ORG_UID_ANNOTATION]: org.uid };
    if (org.suspended) obj.metadata!.labels![SUSPENDED_LABEL] = 'true';
    return { kind: 'create', object: obj };
  }
  const a = existing.metadata?.annotations ?? {};
  const holder = a[ORG_ANNOTATION];
  if (holder !== undefined && holder !== org.id)
    return {
      kind: 'conflict',
      reason: 'Conflict',
      message: `namespace ${name} is annotated for organization ${holder}`,
    };
  const annotations: Record<string, string> = {};
  if (holder === undefined) {
    if (!org.adopt)
      return {
        kind: 'conflict',
        reason: 'Conflict',
        message: `namespace ${name} exists and belongs to no organization; set spec.adoptNamespace to use it`,
      };
    annotations[ORG_ANNOTATION] = org.id;
    annotations[ADOPTED_ANNOTATION] = 'true';
  }
  // Same id, another UID: the org was deleted with Retain and made again; it takes its namespace back.
  if (a[ORG_UID_ANNOTATION] !== org.uid) annotations[ORG_UID_ANNOTATION] = org.uid;
  const labels = suspendedLabelChange(existing, org.suspended);
  const metadata: Record<string, unknown> = {};
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (labels) metadata.labels = labels;
  if (Object.keys(metadata).length === 0) return { kind: 'ready' };
  // The resourceVersion makes two orgs adopting one namespace at once a 409 for the second.
  metadata.resourceVersion = existing.metadata?.resourceVersion;
  return { kind: 'ready', patch: { metadata } };
}

/** The label change that makes `ns` say `suspended`, or undefined when it already does. */
function suspendedLabelChange(
  ns: KubeObject,
  suspended: boolean,
): Record<string, string | null> | undefined {
  const has = ns.metadata?.labels?.[SUSPENDED_LABEL] === 'true';
  if (suspended === has) return undefined;
  return { [SUSPENDED_LABEL]: suspended ? 'true' : null };
}

/**
 * True when deleting `org` with policy Delete may delete `ns`: the org
 * created it (its id and UID on it, not adopted) and it is not shared.
 */
export function createdBy(ns: KubeObject | undefined, org: { id: string; uid: string }): boolean {
  if (!ns || ns.metadata?.name === SHARED_NAMESPACE) return false;
  const a = ns.metadata?.annotations ?? {};
  return (
    a[ORG_ANNOTATION] === org.id && a[ORG_UID_ANNOTATION] === org.uid && !a[ADOPTED_ANNOTATION]
  );
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [MANAGED_BY_LABEL]: 'schema-operator' } },
  };
}
