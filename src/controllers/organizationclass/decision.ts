/**
 * The OrganizationClass decision, pure: from the class, the organizations
 * that use it and the number of default classes, its status and what to do
 * with its finalizer.
 *
 * - status.organizations counts the orgs of the class: applied when their
 *   PolicyApplied is True for this class at its current generation, failed
 *   when it is False for this class;
 * - Ready: True (Applied) when every org has the current generation,
 *   False OrganizationsFailing when some failed, else False Applying (a
 *   change on its way through the work queue);
 * - AmbiguousDefault: True on each default class while there are several
 *   (their default orgs get nothing until one is left);
 * - the finalizer is held while any org uses the class, so deleting it
 *   cannot strip tenants of their quota and isolation; it goes when none do.
 */
import {
  getCondition,
  OrganizationClassConditions as C,
  OrganizationConditions,
  type Organization,
  type OrganizationClass,
  type OrganizationClassStatus,
} from '../../api/index.js';
import { isDefaultClass } from '../class-of.js';
import { StatusBuilder, type StatusStamp } from '../status-builder.js';

/** The finalizer that keeps a class while organizations use it. */
export const CLASS_FINALIZER = 'schema.streamspace.io/organization-class';

/** What to do about a class. */
export interface ClassDecision {
  status: OrganizationClassStatus;
  finalizer: 'add' | 'remove' | 'keep';
}

/** Options of {@link decideClass}. */
export interface ClassInput {
  cls: OrganizationClass;
  /** The organizations whose class this is (class-of.ts). */
  orgs: readonly Organization[];
  /** How many classes are annotated as the default. */
  defaults: number;
  now: Date;
}

class ClassStatus extends StatusBuilder<OrganizationClassStatus & { phase?: string }> {
  constructor(old: OrganizationClassStatus | undefined, stamp: StatusStamp) {
    super(old, stamp, [C.Ready]);
    this.status.observedGeneration = stamp.generation;
    // Classes have no phase; the base class adds one.
    delete this.status.phase;
  }

  setCondition(type: string, status: 'True' | 'False', reason: string, message: string): void {
    this.set(type, { status, reason, message });
  }
}

/** The status and finalizer action of `i.cls`. */
export function decideClass(i: ClassInput): ClassDecision {
  const name = i.cls.metadata.name!;
  const generation = i.cls.metadata.generation ?? 0;
  const st = new ClassStatus(i.cls.status, { generation, now: i.now });
  let applied = 0;
  let failed = 0;
  for (const org of i.orgs) {
    const c = getCondition(org.status?.conditions, OrganizationConditions.PolicyApplied);
    if (org.status?.className !== name) continue;
    if (c?.status === 'True' && org.status.classGeneration === generation) applied++;
    else if (c?.status === 'False') failed++;
  }
  const total = i.orgs.length;
  st.status.organizations = { total, applied, failed };
  if (failed > 0)
    st.setCondition(
      C.Ready,
      'False',
      'OrganizationsFailing',
      `${failed} of ${total} organizations failed to apply the class; see their PolicyApplied condition`,
    );
  else if (applied < total)
    st.setCondition(
      C.Ready,
      'False',
      'Applying',
      `${applied} of ${total} organizations have generation ${generation} applied`,
    );
  else
    st.setCondition(
      C.Ready,
      'True',
      'Applied',
      `${total} organizations have generation ${generation} applied`,
    );

  if (isDefaultClass(i.cls) && i.defaults > 1)
    st.setCondition(
      C.AmbiguousDefault,
      'True',
      'AmbiguousDefaultClass',
      `${i.defaults} classes are annotated as the default; organizations without className get none of them`,
    );
  else if (getCondition(st.status.conditions, C.AmbiguousDefault))
    st.setCondition(
      C.AmbiguousDefault,
      'False',
      'SingleDefault',
      'at most one class is the default',
    );

  const held = i.cls.metadata.finalizers?.includes(CLASS_FINALIZER) ?? false;
  const finalizer = total > 0 ? (held ? 'keep' : 'add') : held ? 'remove' : 'keep';
  if (i.cls.metadata.deletionTimestamp && total > 0)
    st.setCondition(
      C.Ready,
      'False',
      'DeletionHeld',
      `deletion waits for ${total} organizations that use the class`,
    );
  return {
    status: st.status,
    finalizer: i.cls.metadata.deletionTimestamp && finalizer === 'add' ? 'keep' : finalizer,
  };
}
