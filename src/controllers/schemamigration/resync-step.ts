/**
 * The cheap resync of a Ready SchemaMigration. A periodic resync, a drift
 * requeue or a wake-up for an unrelated change would otherwise run the whole
 * engine (lock, owner, ledger, plan, fingerprint) to find nothing to do.
 * After each successful run the ledger's stamp is remembered with what the
 * run was for (generation, source, database, annotations); a reconcile that
 * finds all of these unchanged reads the stamp again, one query on a pooled
 * session, and stops there when it is the same: no lock, no write, no Event.
 * Anything else (not Ready, a new generation, source, Secret or annotation:
 * retry, approve, repair; a row added, changed or removed by anyone) is the
 * full run. Kept in memory only: after a restart the first reconcile of
 * each CR is a full run.
 */
import { createHash } from 'node:crypto';
import { isConditionTrue, MigrationConditions, type SchemaMigration } from '../../api/index.js';
import { readLedgerStamp, type MigrateResult, type RunOptions } from '../../engine/index.js';
import type { Attempt, SchemaMigrationDeps } from './deps.js';

/** What the last successful run of a CR was for, and the stamp it left. */
interface Remembered {
  run: string;
  stamp: string;
}

/** Remembers ledger stamps per CR and answers whether a reconcile has nothing to do. */
export class ResyncMemory {
  private readonly last = new Map<string, Remembered>();

  constructor(private readonly deps: Pick<SchemaMigrationDeps, 'readLedgerStamp'>) {}

  /**
   * True when `a` is Ready for exactly `run` and its ledger's stamp did not
   * move since; one query. False (do the full run) on any doubt, a failed
   * read included: the full run reports it.
   */
  async unchanged(a: Attempt, run: string, options: RunOptions): Promise<boolean> {
    const m = this.last.get(a.key);
    if (!m || m.run !== resyncKey(a.obj, run) || !readyAndCurrent(a.obj)) return false;
    try {
      const stamp = await (this.deps.readLedgerStamp ?? readLedgerStamp)(options);
      return stamp === m.stamp;
    } catch (err) {
      a.ctx.log.debug('ledger stamp not read; running in full', { error: err });
      return false;
    }
  }

  /**
   * Remembers the stamp a successful run left, when nothing waits: a held
   * contract migration or an unapproved plan still has work to do.
   */
  remember(a: Attempt, run: string, result: MigrateResult): void {
    const done = !result.awaitingApproval && result.plan.held.length === 0;
    if (done && typeof result.stamp === 'string')
      this.last.set(a.key, { run: resyncKey(a.obj, run), stamp: result.stamp });
    else this.last.delete(a.key);
  }

  /** Forgets a CR (deleted, failed, suspended). */
  forget(key: string): void {
    this.last.delete(key);
  }
}

/** Ready=True for the current generation: what the status says is still what the spec asks. */
function readyAndCurrent(obj: SchemaMigration): boolean {
  return (
    obj.status?.observedGeneration === obj.metadata.generation &&
    isConditionTrue(obj.status?.conditions, MigrationConditions.Ready)
  );
}

/** The run key with every annotation: a new retry, approve or repair annotation is new work. */
function resyncKey(obj: SchemaMigration, run: string): string {
  const annotations = JSON.stringify(Object.entries(obj.metadata.annotations ?? {}).sort());
  return `${run}|${createHash('sha256').update(annotations).digest('hex').slice(0, 16)}`;
}
