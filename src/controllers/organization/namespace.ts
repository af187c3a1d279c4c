/**
 * Namespace rules of an Organization (DESIGN section 5), as pure decisions:
 * what to do with the namespace an org asks for, given what exists. Each rule
 * comes from someone else's incident:
 *
 * - ownership is an annotation pair (org id + UID), never an ownerReference:
 *   garbage collection has deleted whole fleets of tenant namespaces through
 *   ownerReferences on Namespaces. The UID is what counts: anyone who can
 *   create a namespace can write the id, nobody can guess the UID of an
 *   Organization not yet created;
 * - a namespace annotated for another org id is a Conflict: the org hands
 *   off instead of taking it over (the namespace-hijack class of bugs);
 * - a namespace that exists without this org's UID (none, another org's
 *   object of the same name kept by Retain, or a namespace made beforehand
 *   with the id annotation) is a Conflict unless `adoptNamespace`; an adopted
 *   namespace is never deleted: a new UID never inherits "created";
 * - only a namespace this org created carries CREATED_LABEL, set at creation
 *   and never added by a patch (the install's admission policy lets the
 *   operator delete only namespaces with it);
 * - reserved namespaces (kube-*, default, the operator's own, the install's
 *   list) and names outside the install's pattern are refused here too, not
 *   only by the CRD's CEL rule (namespace-policy.ts);
 * - the shared namespace is ensured but never annotated, owned or deleted.
 */
import { GROUP } from '../../api/index.js';
import type { KubeObject } from '../../kube/index.js';
import { namespaceRefusal, type NamespacePolicy } from './namespace-policy.js';

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
/**
 * Label `schema-operator` on the dedicated namespaces this operator created
 * for an organization: set only in the create request, never added by a
 * patch, removed when the namespace is adopted by another UID. The admission
 * policy of the install allows the operator's namespace deletes only for
 * namespaces that carry it.
 */
export const CREATED_LABEL = `${GROUP}/created-by`;
/** The value of {@link CREATED_LABEL}. */
export const CREATED_VALUE = 'schema-operator';

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
  return namespaceRefusal(name, { operatorNamespace }) !== undefined;
}

/**
 * The decision for namespace `name` of `org`, given the namespace as it
 * exists (`existing`, undefined when absent) and the install's `policy`.
 */
export function decideNamespace(
  name: string,
  org: OrgIdentity,
  existing: KubeObject | undefined,
  policy: NamespacePolicy = {},
): NamespaceDecision {
  const refusal = namespaceRefusal(name, { ...policy, shared: SHARED_NAMESPACE });
  if (refusal) return { kind: 'refuse', reason: 'ReservedNamespace', message: refusal };
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
    obj.metadata.labels![CREATED_LABEL] = CREATED_VALUE;
    obj.metadata.annotations = { [ORG_ANNOTATION]: org.id, [ORG_UID_ANNOTATION]: org.uid };
    if (org.suspended) obj.metadata.labels![SUSPENDED_LABEL] = 'true';
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
  const labels: Record<string, string | null> = suspendedLabelChange(existing, org.suspended) ?? {};
  if (a[ORG_UID_ANNOTATION] !== org.uid || holder === undefined) {
    // Not this Organization object's: an id anyone could have written, or a namespace kept by Retain.
    if (!org.adopt)
      return {
        kind: 'conflict',
        reason: 'Conflict',
        message:
          holder === undefined
            ? `namespace ${name} exists and belongs to no organization; set spec.adoptNamespace to use it`
            : `namespace ${name} is annotated for organization ${holder} but not for this Organization object (uid ${org.uid}); set spec.adoptNamespace to use it (an adopted namespace is never deleted)`,
      };
    annotations[ORG_ANNOTATION] = org.id;
    annotations[ORG_UID_ANNOTATION] = org.uid;
    annotations[ADOPTED_ANNOTATION] = 'true';
    if (existing.metadata?.labels?.[CREATED_LABEL] !== undefined) labels[CREATED_LABEL] = null;
  }
  const metadata: Record<string, unknown> = {};
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  if (Object.keys(labels).length > 0) metadata.labels = labels;
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
 * True when deleting `org` with policy Delete may delete `ns`: this org
 * object created it (its id and UID on it, the created label, not adopted)
 * and it is not shared.
 */
export function createdBy(ns: KubeObject | undefined, org: { id: string; uid: string }): boolean {
  if (!ns || ns.metadata?.name === SHARED_NAMESPACE || !org.uid) return false;
  const a = ns.metadata?.annotations ?? {};
  return (
    a[ORG_ANNOTATION] === org.id &&
    a[ORG_UID_ANNOTATION] === org.uid &&
    !a[ADOPTED_ANNOTATION] &&
    ns.metadata?.labels?.[CREATED_LABEL] === CREATED_VALUE
  );
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [MANAGED_BY_LABEL]: 'schema-operator' } },
  };
}
