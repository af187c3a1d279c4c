/**
 * The writes that make one namespace hold what a class asks for, given the
 * operator's objects there (the informers cache only objects labelled
 * managed-by schema-operator). Pure, so every case is a table row:
 *
 * - absent → create; different in what the class owns → update (a
 *   RoleBinding whose roleRef changed is deleted and created: roleRef is
 *   immutable); equal → nothing, so a resync with nothing changed writes
 *   nothing;
 * - an object of this org the class no longer asks for → delete;
 * - an object of the wanted name that is not this org's (another org's
 *   label, or none) → a conflict, reported and never overwritten.
 */
import type { KubeObject } from '../../kube/index.js';
import { MANAGED_BY_LABEL } from './namespace.js';
import { MANAGED_BY_VALUE, ORG_LABEL } from './policy-objects.js';
import { sameContent } from './same-content.js';

/** One write. `object` is what to send (create, update) or what exists (delete). */
export type PolicyOp =
  | { op: 'create'; object: KubeObject }
  | { op: 'update'; object: KubeObject }
  | { op: 'delete'; object: KubeObject };

/** The writes, and the names held by someone else. */
export interface PolicyPlan {
  ops: PolicyOp[];
  conflicts: string[];
}

/** Options of {@link planPolicy}. */
export interface PlanInput {
  orgId: string;
  desired: readonly KubeObject[];
  /** The objects of the namespace in the operator's caches (any org label). */
  existing: readonly KubeObject[];
}

/** `Kind/name`, the identity of an object within one namespace. */
export function objectId(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

/** True when `o` carries both labels of this org. */
export function ownedBy(o: KubeObject, orgId: string): boolean {
  const l = o.metadata.labels ?? {};
  return l[MANAGED_BY_LABEL] === MANAGED_BY_VALUE && l[ORG_LABEL] === orgId;
}

/** The writes that turn `i.existing` into `i.desired`. */
export function planPolicy(i: PlanInput): PolicyPlan {
  const have = new Map(i.existing.map((o) => [objectId(o), o]));
  const wanted = new Set(i.desired.map(objectId));
  const ops: PolicyOp[] = [];
  const conflicts: string[] = [];
  for (const want of i.desired) {
    const id = objectId(want);
    const cur = have.get(id);
    if (!cur) ops.push({ op: 'create', object: want });
    else if (!ownedBy(cur, i.orgId)) conflicts.push(conflictMessage(id, cur));
    else if (!sameOwned(cur, want)) {
      if (
        want.kind === 'RoleBinding' &&
        !sameContent(field(cur, 'roleRef'), field(want, 'roleRef'))
      )
        ops.push({ op: 'delete', object: cur }, { op: 'create', object: want });
      else ops.push({ op: 'update', object: merged(cur, want) });
    }
  }
  for (const cur of i.existing)
    if (ownedBy(cur, i.orgId) && !wanted.has(objectId(cur)))
      ops.push({ op: 'delete', object: cur });
  return { ops, conflicts };
}

/** The conflict message of an object named as the class's but not labelled for this org. */
export function conflictMessage(id: string, cur?: KubeObject): string {
  const holder = cur?.metadata.labels?.[ORG_LABEL];
  const whose = holder
    ? `belongs to organization ${holder}`
    : `does not carry the labels ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} and ${ORG_LABEL}`;
  return `${id} exists and ${whose}; it is left alone`;
}

/** The fields a class owns, by kind: spec, or roleRef and subjects. */
export const OWNED = ['spec', 'roleRef', 'subjects'] as const;

function field(o: KubeObject, k: string): unknown {
  return (o as unknown as Record<string, unknown>)[k];
}

function sameOwned(cur: KubeObject, want: KubeObject): boolean {
  return OWNED.every((k) => sameContent(field(cur, k), field(want, k)));
}

/** `want` written over `cur`: others' labels and annotations kept, the resourceVersion guarding the write. */
function merged(cur: KubeObject, want: KubeObject): KubeObject {
  return {
    ...want,
    metadata: {
      ...cur.metadata,
      labels: { ...cur.metadata.labels, ...want.metadata.labels },
      managedFields: undefined,
    },
  };
}
