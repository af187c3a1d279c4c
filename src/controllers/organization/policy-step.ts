/**
 * The reconcile step that makes an org's namespace hold what its class asks
 * for (policy.ts decides, policy-writer.ts writes). It never stops the
 * reconcile: PolicyApplied carries the outcome and Ready keeps meaning "row
 * and namespace", so a refused RoleBinding does not take a tenant offline.
 * API failures are thrown (a retry with backoff), as everywhere.
 */
import { getCondition, OrganizationConditions, type Organization } from '../../api/index.js';
import { ForbiddenError, type KubeObject } from '../../kube/index.js';
import type { OrganizationDeps } from './deps.js';
import { SHARED_NAMESPACE } from './namespace.js';
import { decidePolicy, type PolicyDecision } from './policy.js';
import { desiredPolicy } from './policy-objects.js';
import type { OrgStatus } from './status.js';

/** Applies the class of `org` in namespace `nsName` and records the outcome in `st`. */
export async function applyPolicy(
  deps: OrganizationDeps,
  org: Organization,
  nsName: string,
  st: OrgStatus,
): Promise<void> {
  const p = deps.policy;
  if (!p) return;
  const id = org.metadata.name!;
  // Just created (with the class's labels, withClassMetadata), the namespace may not be in the
  // cache yet: its name is all the objects need, and its arrival wakes the org to check its labels.
  const cached = deps.getNamespace(nsName);
  const namespace: KubeObject = cached ?? { metadata: { name: nsName } };
  const d = decidePolicy({
    orgId: id,
    namespace,
    choice: p.classOf(org),
    existing: p.objectsIn(nsName),
    bindableClusterRoles: p.bindableClusterRoles,
  });
  if (d.kind === 'skip') {
    st.policy({ className: d.className, verdict: d.verdict });
    return;
  }
  const repair = isRepair(org, d);
  const conflicts: string[] = [];
  if (d.namespacePatch && cached) {
    // The install's admission policy may refuse labels it does not let the operator set: reported, not retried.
    const refused = await deps.namespaces.patch(nsName, d.namespacePatch).then(
      () => undefined,
      (err: unknown) => {
        if (!(err instanceof ForbiddenError)) throw err;
        return `namespace ${nsName}: the class's labels or annotations were refused: ${err.message}`;
      },
    );
    if (refused) conflicts.push(refused);
  }
  for (const op of d.ops) {
    const conflict = await p.writer.write(op, { repair });
    if (conflict) conflicts.push(conflict);
  }
  const verdict = conflicts.length
    ? {
        status: 'False' as const,
        reason: d.verdict.status === 'True' ? 'Conflict' : d.verdict.reason,
        message: [...(d.verdict.status === 'False' ? [d.verdict.message] : []), ...conflicts].join(
          '; ',
        ),
      }
    : d.verdict;
  st.policy({ className: d.className, classGeneration: d.classGeneration, verdict });
}

/**
 * `ns` (a namespace about to be created for `org`) with its class's labels
 * and annotations already on it, so no pod lands there before the Pod
 * Security level does, and no patch follows the create.
 */
export function withClassMetadata(
  deps: OrganizationDeps,
  org: Organization,
  ns: KubeObject,
): KubeObject {
  const choice = deps.policy?.classOf(org);
  if (choice?.kind !== 'class' || ns.metadata.name === SHARED_NAMESPACE) return ns;
  const want = desiredPolicy({
    orgId: org.metadata.name!,
    namespace: ns.metadata.name!,
    cls: choice.class,
    bindableClusterRoles: [],
  });
  const labels = { ...want.namespaceLabels, ...ns.metadata.labels };
  const annotations = { ...want.namespaceAnnotations, ...ns.metadata.annotations };
  return { ...ns, metadata: { ...ns.metadata, labels, annotations } };
}

/**
 * True when the stored status says this class generation was already
 * applied: a write now puts back what someone else changed or deleted.
 */
function isRepair(org: Organization, d: Extract<PolicyDecision, { kind: 'apply' }>): boolean {
  const applied = getCondition(org.status?.conditions, OrganizationConditions.PolicyApplied);
  return (
    applied?.status === 'True' &&
    org.status?.className === d.className &&
    org.status?.classGeneration === d.classGeneration
  );
}

/**
 * Deletes the org's objects in `nsName` (deletionPolicy Delete on a
 * namespace the org did not create: the namespace stays, the policy goes).
 */
export async function deletePolicy(
  deps: OrganizationDeps,
  org: Organization,
  nsName: string,
): Promise<void> {
  const p = deps.policy;
  if (!p) return;
  const d = decidePolicy({
    orgId: org.metadata.name!,
    namespace: { metadata: { name: nsName } },
    choice: { kind: 'none' },
    existing: p.objectsIn(nsName),
    bindableClusterRoles: [],
  });
  if (d.kind !== 'apply') return;
  for (const op of d.ops) await p.writer.write(op, { repair: false });
}
