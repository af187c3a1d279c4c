/**
 * After a run that stopped for approval: status (phase AwaitingApproval,
 * status.plan) and Events. One Event when a plan starts waiting (compared
 * with the stored status.plan.hash, so a restart does not repeat it), and one
 * Warning per distinct stale approval: an annotation naming another plan's
 * hash approves nothing, and says so once, not on every reconcile.
 */
import type { Migration, MigrateResult } from '../../engine/index.js';
import { AWAITING_APPROVAL, type ApprovalWait } from './approval.js';
import { labelsOf, subject, type Attempt, type SchemaMigrationDeps } from './deps.js';
import { planSummary } from './summary.js';

/** Reports waiting plans, remembering per CR which stale hashes it has announced. */
export class ApprovalReporter {
  private readonly staleSeen = new Map<string, Set<string>>();

  constructor(private readonly deps: SchemaMigrationDeps) {}

  /** Sets the waiting status on `a.st`, records the Events, and writes the status. */
  async report(
    a: Attempt,
    wait: ApprovalWait,
    result: MigrateResult,
    migrations: Migration[],
  ): Promise<void> {
    const { deps } = this;
    const summary = planSummary(result.plan, migrations, a.obj, []);
    deps.metrics?.pendingMigrations.set(labelsOf(a.obj), summary.pending);
    if (wait.staleHash !== undefined && this.firstTime(a.key, wait.staleHash)) {
      await deps.events.record(
        subject(a.obj),
        'Warning',
        'ApprovalStale',
        `the approve annotation names plan ${wait.staleHash}, which is not the plan now ` +
          `(${wait.plan.hash}): it approves nothing`,
      );
    }
    if (a.obj.status?.plan?.hash !== wait.plan.hash)
      await deps.events.record(subject(a.obj), 'Normal', AWAITING_APPROVAL, wait.message);
    a.st.awaitingApproval(summary, wait.plan, wait.message);
    await deps.statusWriter.write(a.obj, a.st.status);
  }

  /** Forgets a CR that is gone. */
  forget(key: string): void {
    this.staleSeen.delete(key);
  }

  private firstTime(key: string, hash: string): boolean {
    let seen = this.staleSeen.get(key);
    if (!seen) this.staleSeen.set(key, (seen = new Set()));
    if (seen.has(hash)) return false;
    seen.add(hash);
    return true;
  }
}
