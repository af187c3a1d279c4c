/**
 * The OrganizationClass reconciler: status and finalizer (decision.ts) from
 * the class and organization caches. A flat run: gone → decide → finalizer
 * → status (throttled during a rollout). Only API failures are thrown.
 */
import type { Organization, OrganizationClass, OrganizationClassStatus } from '../../api/index.js';
import type { ReconcileContext, Result } from '../../kube/index.js';
import { decideClass } from './decision.js';

/** How often a class looks at its orgs again while a rollout or a failure is under way. */
export const ROLLOUT_RECHECK_MS = 1_000;

/** What the class reconciler reads and writes, injected. */
export interface ClassDeps {
  getClass(name: string): OrganizationClass | undefined;
  /** The organizations whose class is `cls` (class-of.ts). */
  orgsOf(cls: OrganizationClass): Organization[];
  /** How many classes are annotated as the default. */
  defaults(): number;
  addFinalizer(cls: OrganizationClass): Promise<OrganizationClass>;
  removeFinalizer(cls: OrganizationClass): Promise<void>;
  /** Writes status when it differs from what is stored. */
  writeStatus(cls: OrganizationClass, status: OrganizationClassStatus): Promise<void>;
  /** Like writeStatus, but skipped when this class's status was written moments ago. */
  writeStatusThrottled(cls: OrganizationClass, status: OrganizationClassStatus): Promise<void>;
  now?: () => Date;
}

/** Builds the reconcile function over `deps`. */
export function organizationClassReconciler(deps: ClassDeps) {
  const now = deps.now ?? (() => new Date());
  return async function reconcile(ctx: ReconcileContext, key: string): Promise<Result> {
    let cls = deps.getClass(key);
    if (!cls) return {};
    const d = decideClass({ cls, orgs: deps.orgsOf(cls), defaults: deps.defaults(), now: now() });
    if (d.finalizer === 'add') cls = await deps.addFinalizer(cls);
    if (d.finalizer === 'remove') {
      await deps.removeFinalizer(cls);
      // Deleting: the object goes with the finalizer; no status to write.
      if (cls.metadata.deletionTimestamp) return {};
    }
    ctx.log.debug('organization class synced', { organizations: d.status.organizations });
    if (d.status.organizations!.applied === d.status.organizations!.total) {
      await deps.writeStatus(cls, d.status);
      return {};
    }
    // A rollout wakes the class once per org: its counts are written at most every
    // throttle interval, and a look after it writes the last counts even if no org changes again.
    await deps.writeStatusThrottled(cls, d.status);
    return { requeueAfterMs: ROLLOUT_RECHECK_MS };
  };
}
