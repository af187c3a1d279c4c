/**
 * The policy decision of one Organization (docs/organizations.md, "Classes"):
 * given its namespace, the class it uses (or why none) and the operator's
 * objects in that namespace, what to write and what PolicyApplied says.
 *
 * - the shared namespace belongs to no org: nothing there, ever;
 * - a class that is missing, or two default classes: nothing changes (the
 *   objects stay as they are, so a typo in className does not strip a
 *   tenant's quota and isolation);
 * - no class at all: the org's objects go (the class that asked for them
 *   no longer applies);
 * - a class: its objects are written, refused RoleBindings left out (and
 *   named in the reason), names held by others reported as conflicts.
 */
import type { ClassChoice } from '../class-of.js';
import type { KubeObject } from '../../kube/index.js';
import { SHARED_NAMESPACE } from './namespace.js';
import { desiredPolicy } from './policy-objects.js';
import { planPolicy, type PolicyOp } from './policy-plan.js';

/** The PolicyApplied outcome the decision already knows (writes may add a conflict). */
export interface PolicyVerdict {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** What to do about an org's policy. */
export type PolicyDecision =
  | { kind: 'skip'; className: string; verdict: PolicyVerdict }
  | {
      kind: 'apply';
      className: string;
      /** The class generation this applies, 0 with no class. */
      classGeneration: number;
      ops: PolicyOp[];
      /** A merge patch of the namespace's metadata, when it lacks something the class sets. */
      namespacePatch?: Record<string, unknown>;
      verdict: PolicyVerdict;
    };

/** Options of {@link decidePolicy}. */
export interface PolicyInput {
  orgId: string;
  namespace: KubeObject;
  choice: ClassChoice;
  /** The operator's objects in the namespace. */
  existing: readonly KubeObject[];
  bindableClusterRoles: readonly string[];
}

/** The decision for one org. */
export function decidePolicy(i: PolicyInput): PolicyDecision {
  const nsName = i.namespace.metadata.name!;
  const className = i.choice.kind === 'class' ? i.choice.class.metadata.name! : '';
  if (nsName === SHARED_NAMESPACE) {
    const why = className ? `class ${className} is not applied there` : 'no class applies';
    return {
      kind: 'skip',
      className,
      verdict: {
        status: 'True',
        reason: 'SharedNamespace',
        message: `namespace ${nsName} is shared by organizations and belongs to none: ${why}`,
      },
    };
  }
  if (i.choice.kind === 'not-found')
    return skipFailed(
      '',
      'ClassNotFound',
      `OrganizationClass ${i.choice.name} does not exist; nothing was changed`,
    );
  if (i.choice.kind === 'ambiguous')
    return skipFailed(
      '',
      'AmbiguousDefaultClass',
      `${i.choice.names.length} classes are annotated as the default (${i.choice.names.join(', ')}); nothing was changed`,
    );
  if (i.choice.kind === 'none') {
    const { ops } = planPolicy({ orgId: i.orgId, desired: [], existing: i.existing });
    return {
      kind: 'apply',
      className: '',
      classGeneration: 0,
      ops,
      verdict: {
        status: 'True',
        reason: 'NoClass',
        message: 'no className and no default class: no policy',
      },
    };
  }

  const cls = i.choice.class;
  const want = desiredPolicy({
    orgId: i.orgId,
    namespace: nsName,
    cls,
    bindableClusterRoles: i.bindableClusterRoles,
  });
  const plan = planPolicy({ orgId: i.orgId, desired: want.objects, existing: i.existing });
  const problems = [...want.refusals.map((r) => r.message), ...plan.conflicts];
  const reason = want.refusals.length
    ? 'ClusterRoleNotBindable'
    : plan.conflicts.length
      ? 'Conflict'
      : 'Applied';
  return {
    kind: 'apply',
    className,
    classGeneration: cls.metadata.generation ?? 0,
    ops: plan.ops,
    namespacePatch: namespacePatch(i.namespace, want.namespaceLabels, want.namespaceAnnotations),
    verdict: problems.length
      ? { status: 'False', reason, message: problems.join('; ') }
      : { status: 'True', reason, message: `class ${className} applied in namespace ${nsName}` },
  };
}

function skipFailed(className: string, reason: string, message: string): PolicyDecision {
  return { kind: 'skip', className, verdict: { status: 'False', reason, message } };
}

/** The merge patch that adds what is missing or different; others' keys are never removed. */
function namespacePatch(
  ns: KubeObject,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): Record<string, unknown> | undefined {
  const diff = (have: Record<string, string> = {}, want: Record<string, string>) =>
    Object.fromEntries(Object.entries(want).filter(([k, v]) => have[k] !== v));
  const l = diff(ns.metadata.labels, labels);
  const a = diff(ns.metadata.annotations, annotations);
  const metadata: Record<string, unknown> = {};
  if (Object.keys(l).length) metadata.labels = l;
  if (Object.keys(a).length) metadata.annotations = a;
  return Object.keys(metadata).length ? { metadata } : undefined;
}
