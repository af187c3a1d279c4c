/**
 * The engine run of a SchemaMigration reconcile, with its hooks: progress
 * status as migrations are planned and applied, an Event per applied
 * migration and per busy lock, the Reconciling condition while a lost
 * connection is retried inside the run, and metrics.
 *
 * The run holds the migration lock and a database session: the API writes
 * of its hooks stay out of that path where they can. The Applying status is
 * written only once a run has lasted {@link APPLYING_SHOWN_AFTER_MS} (a run
 * done sooner goes straight to its final status: one write, not two, and no
 * Ready=False flicker for what watches it), and the MigrationApplied Events
 * are sent in order behind the run rather than between its files. Both are
 * settled before runEngine returns, so they land before the final status.
 */
import {
  migrate,
  type AppliedMigration,
  type ConnectionSource,
  type HoldContract,
  type DatabaseAccess,
  type MigrateObserver,
  type MigrateResult,
  type Migration,
  type Plan,
  type RunOptions,
} from '../../engine/index.js';
import { claimFor, type SchemaMigrationExists } from './claims.js';
import { labelsOf, subject, type Attempt, type SchemaMigrationDeps } from './deps.js';
import { contractWait, type ContractWait } from './contract.js';
import { approveHook, type ApprovalWait } from './approval.js';
import { classify } from './failure.js';
import { repairAnnotation } from './repair-annotation.js';
import { repairEvents } from './repair-events.js';
import { runOptions } from './options.js';
import { reportFailure } from './report.js';
import { planSummary } from './summary.js';

/** What the run step needs beyond the attempt. */
export interface RunInput {
  access: DatabaseAccess;
  migrations: Migration[];
  /** Nothing the CR was Ready for has changed (a retried connection may leave it Ready). */
  unchanged: boolean;
  exists: SchemaMigrationExists;
  /** Where the run's session comes from (the pool); absent: a new connection. */
  connection?: ConnectionSource;
}

/** How a run ended: its result, or its error with what it planned and applied before. */
export type RunOutcome =
  | { ok: true; result: MigrateResult; wait?: ContractWait; approval?: ApprovalWait }
  | { ok: false; error: unknown; planned?: Plan; appliedNow: AppliedMigration[] };

/** Runs the engine for `a`; never throws (the outcome carries the error). */
export async function runEngine(
  deps: SchemaMigrationDeps,
  a: Attempt,
  i: RunInput,
): Promise<RunOutcome> {
  let wait: ContractWait | undefined;
  let approval: ApprovalWait | undefined;
  // What this run planned and applied, so a failure's status shows counts as they now are.
  const seen: { planned?: Plan; appliedNow: AppliedMigration[] } = { appliedNow: [] };
  const observer = hooks(deps, a, i, seen);
  const approve = approveHook(a.obj, (w) => (approval = w));
  const repairs = repairAnnotation(a.obj);
  await repairEvents(deps, a.obj).malformed(repairs.malformed);
  const options: RunOptions = {
    ...runOptions(a.obj, i.access.url, i.migrations, deps.appliedBy),
    tls: i.access.tls,
    allowedHosts: deps.allowedDatabaseHosts,
    claim: claimFor(a.obj, i.exists),
    signal: a.ctx.signal,
    connection: i.connection,
    // The ledger's stamp as the run leaves it, for the cheap resync (resync-step.ts).
    stamp: true,
    holdContract: deps.podsNaming && holdContract(deps, a, (w) => (wait = w)),
    repairs: repairs.requests,
    // Under spec.approval the status says Applying only once the plan is approved.
    approve: async (p, db) => {
      if (!(await approve(p, db))) return false;
      await observer.approved?.(p);
      return true;
    },
  };
  try {
    const result = await (deps.migrate ?? migrate)(options, observer);
    if (result.awaitingApproval) return { ok: true, result, approval };
    // A retried run plans again: only a hold of the plan that ran counts.
    return result.plan.held.length > 0 ? { ok: true, result, wait } : { ok: true, result };
  } catch (error) {
    return { ok: false, error, ...seen };
  } finally {
    await observer.settle();
  }
}

/** A run that lasts longer than this shows the Applying status while it goes on. */
export const APPLYING_SHOWN_AFTER_MS = 500;

/**
 * Holds a contract migration while pods naming the CR need an older schema,
 * and says so at once (before the run ends), so a pod that goes meanwhile
 * wakes the CR again.
 */
function holdContract(
  deps: SchemaMigrationDeps,
  a: Attempt,
  held: (w: ContractWait) => void,
): HoldContract {
  return (m, previous) => {
    const w = contractWait(m, previous, deps.podsNaming!(a.key));
    if (w.blocking.length === 0) return false;
    held(w);
    deps.contractWaiting?.(a.key, true);
    return true;
  };
}

function hooks(
  deps: SchemaMigrationDeps,
  a: Attempt,
  i: RunInput,
  seen: { planned?: Plan; appliedNow: AppliedMigration[] },
): MigrateObserver & { approved?(p: Plan): Promise<void>; settle(): Promise<void> } {
  const labels = labelsOf(a.obj);
  const progress = new ProgressWrites(deps, a);
  const applying = (p: Plan) => {
    // A contract that waited runs now: the status stops saying it waits (and naming gone pods).
    if (p.held.length === 0) a.st.noContractWaiting();
    a.st.applying(planSummary(p, i.migrations, a.obj, []));
    progress.showAfter(deps.applyingShownAfterMs ?? APPLYING_SHOWN_AFTER_MS);
  };
  const gated = (a.obj.spec.approval ?? 'Automatic') !== 'Automatic';
  return {
    onPlan: async (p) => {
      seen.planned = p;
      deps.metrics?.pendingMigrations.set(labels, p.pending.length);
      if (p.pending.length === 0 || gated) return;
      applying(p);
    },
    approved: async (p) => {
      if (gated) applying(p);
    },
    onApplied: async (m, ms) => {
      const { version, name, checksum } = m;
      seen.appliedNow.push({ version, name, checksum, durationMs: ms, outOfOrder: false });
      deps.metrics?.migrationsApplied.inc(labels);
      deps.metrics?.migrationDuration.observe(labels, ms / 1000);
      progress.event('MigrationApplied', `applied ${version}_${name} in ${ms} ms`);
      a.st.migrationApplied({ version, name, checksum, durationMs: ms });
      progress.applied();
    },
    // A connection lost mid-run is retried inside the run: meanwhile the CR says so.
    onRetry: async (_m, err) => {
      progress.cancel();
      await reportFailure(deps, a, classify(err), { unchanged: i.unchanged }).catch(
        (writeErr: unknown) => a.ctx.log.warn('retry status not written', { error: writeErr }),
      );
    },
    onRepaired: (r) => repairEvents(deps, a.obj).repaired(r),
    onLockBusy: async (holder) => {
      await deps.events.record(
        subject(a.obj),
        'Normal',
        'LockBusy',
        `waiting for the migration lock held by ${holder ?? 'another session'}`,
      );
    },
    settle: () => progress.settle(),
  };
}

/**
 * The API writes a run makes while it goes on, kept off its locked path:
 * the Applying status once the run has lasted (then progress, throttled),
 * and Events in order behind the run. Nothing here rejects: the final
 * status follows, so a failed progress write must not stop the run.
 */
class ProgressWrites {
  private timer: NodeJS.Timeout | undefined;
  private shown = false;
  private writes: Promise<void> = Promise.resolve();
  private events: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: SchemaMigrationDeps,
    private readonly a: Attempt,
  ) {}

  /** Writes the status as it then is once `ms` have passed, unless the run ended first. */
  showAfter(ms: number): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.shown = true;
      this.write(false);
    }, ms);
    this.timer.unref?.();
  }

  /** A file was applied: progress is written (throttled) only once Applying is shown. */
  applied(): void {
    if (this.shown) this.write(true);
  }

  /** An Event about the CR, after the ones before it. */
  event(reason: string, note: string): void {
    const { deps, a } = this;
    this.events = this.events
      .then(() => deps.events.record(subject(a.obj), 'Normal', reason, note))
      .catch((err: unknown) => a.ctx.log.warn('could not record an event', { error: err }));
  }

  /** The Applying status is not to be shown (the run writes another status itself). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops what is pending and waits for what was sent, Events included. */
  async settle(): Promise<void> {
    this.cancel();
    await Promise.all([this.writes, this.events]);
  }

  private write(throttled: boolean): void {
    const { deps, a } = this;
    this.writes = this.writes.then(() =>
      (throttled
        ? deps.statusWriter.writeThrottled(a.obj, a.st.status)
        : deps.statusWriter.write(a.obj, a.st.status)
      ).catch((err: unknown) => a.ctx.log.warn('progress status not written', { error: err })),
    );
  }
}
