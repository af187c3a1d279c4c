/**
 * The drift check of a SchemaMigration: every spec.drift.interval (a
 * requeueAfter, not a poller of its own), the live schema is compared with
 * the fingerprint the engine recorded after the last run. A run that applied
 * files has just recorded that fingerprint from the live schema, under its
 * lock: there is no drift by definition, so it clears Drifted and restarts
 * the interval without reading the catalog again. A difference is
 * Drifted=True with status.drift, one Event per newly seen object and the
 * drift gauge at 1; Ready is never touched, since the migrations themselves
 * are still applied. When it last checked is remembered in memory, so a
 * reconcile woken for another reason between two checks costs no catalog read.
 */
import {
  checkDrift,
  driftMessage,
  type ConnectionSource,
  type DatabaseAccess,
  type DriftItem,
  type Migration,
} from '../../engine/index.js';
import { labelsOf, subject, type Attempt, type SchemaMigrationDeps } from './deps.js';
import { driftIntervalMs, runOptions } from './options.js';

/** Objects named in status.drift and in the condition message. */
export const DRIFT_SHOWN = 10;

/** What the check needs beyond the attempt. */
export interface DriftInput {
  access: DatabaseAccess;
  migrations: Migration[];
  /**
   * A run just applied files, and so recorded a new fingerprint of the live
   * schema: no drift now, whatever the interval, and nothing to read.
   */
  recorded: boolean;
  /** Where the check's session comes from (the pool); absent: a new connection. */
  connection?: ConnectionSource;
}

/** Runs drift checks when due and remembers when each CR was last checked. */
export class DriftChecker {
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly deps: SchemaMigrationDeps,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Checks `a` when due and sets its status (not written: the caller writes
   * it with the run's). Returns when to look again, or undefined when off.
   */
  async check(a: Attempt, i: DriftInput): Promise<number | undefined> {
    const interval = driftIntervalMs(a.obj);
    if (interval === 0) {
      this.checkedAt.delete(a.key);
      a.st.noDrift();
      this.deps.metrics?.schemaDrift.set(labelsOf(a.obj), 0);
      return undefined;
    }
    const last = this.checkedAt.get(a.key);
    const elapsed = last === undefined ? Infinity : this.nowMs() - last;
    if (!i.recorded && elapsed < interval) return interval - elapsed;
    this.checkedAt.set(a.key, this.nowMs());
    if (i.recorded) {
      await this.report(a, []);
      return interval;
    }
    let items: DriftItem[];
    try {
      items = await this.read(a, i);
    } catch (err) {
      // The run just succeeded on this database: a failed look is not worth a retry storm.
      a.ctx.log.warn('drift check failed', { error: err });
      return interval;
    }
    await this.report(a, items);
    return interval;
  }

  /** Forgets a deleted CR, and its gauge: a deleted CR must not keep a drift alert firing. */
  forget(key: string): void {
    this.checkedAt.delete(key);
    const [namespace = '', name = ''] = key.split('/');
    this.deps.metrics?.schemaDrift.remove({ namespace, name });
  }

  private async read(a: Attempt, i: DriftInput): Promise<DriftItem[]> {
    const report = await (this.deps.checkDrift ?? checkDrift)({
      ...runOptions(a.obj, i.access.url, i.migrations, this.deps.appliedBy),
      tls: i.access.tls,
      allowedHosts: this.deps.allowedDatabaseHosts,
      signal: a.ctx.signal,
      connection: i.connection,
    });
    return report.items;
  }

  private async report(a: Attempt, items: DriftItem[]): Promise<void> {
    const labels = labelsOf(a.obj);
    if (items.length === 0) {
      a.st.noDrift();
      this.deps.metrics?.schemaDrift.set(labels, 0);
      return;
    }
    const before = a.obj.status?.drift;
    const seen = new Set(before?.objects ?? []);
    const shown = items.slice(0, DRIFT_SHOWN).map((d) => d.description);
    for (const d of shown.filter((s) => !seen.has(s)))
      await this.deps.events.record(subject(a.obj), 'Warning', 'SchemaDrift', d);
    const count = (k: DriftItem['kind']) => items.filter((d) => d.kind === k).length;
    a.st.drifted(
      {
        count: items.length,
        added: count('added'),
        removed: count('removed'),
        changed: count('changed'),
        since: before?.since ?? new Date(this.nowMs()).toISOString(),
        objects: shown,
      },
      `the schema differs from the fingerprint recorded after the last run: ${driftMessage(items, DRIFT_SHOWN)}`,
    );
    this.deps.metrics?.schemaDrift.set(labels, 1);
  }
}
