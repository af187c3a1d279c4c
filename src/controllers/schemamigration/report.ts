/**
 * Reporting a failure of a SchemaMigration: its status (Failed, or Ready
 * kept with Reconciling=True for a transient failure of a schema that has
 * not changed) and one Warning Event per new failure, both awaited.
 */
import { getCondition, MigrationConditions } from '../../api/index.js';
import { subject, type Attempt, type SchemaMigrationDeps } from './deps.js';
import { keepsReady, type Classified } from './failure.js';

/** Options of {@link reportFailure}. */
export interface ReportOptions {
  /** Nothing the CR was Ready for has changed: a transient failure may leave it Ready. */
  unchanged?: boolean;
}

/** Writes `c` to the status of `a` (awaited) and records its Event when it is news. */
export async function reportFailure(
  deps: SchemaMigrationDeps,
  a: Attempt,
  c: Classified,
  o: ReportOptions = {},
): Promise<void> {
  const status = a.st.status;
  const generation = a.obj.metadata.generation ?? 0;
  if (o.unchanged && keepsReady(status, c, generation)) {
    // Nothing about the schema changed: Ready stays, Reconciling and an Event say why we retry.
    const was = getCondition(status.conditions, MigrationConditions.Reconciling)?.message;
    a.st.retrying(c);
    await deps.statusWriter.write(a.obj, status);
    if (was !== `retrying: ${c.failure.message}`)
      await deps.events.record(subject(a.obj), 'Warning', c.event, c.failure.message);
    return;
  }
  const before = a.obj.status?.failure;
  a.st.failed(c);
  await deps.statusWriter.write(a.obj, status);
  // One Event per new failure, not one per retry.
  if (before?.reason !== c.failure.reason || before?.message !== c.failure.message)
    await deps.events.record(subject(a.obj), 'Warning', c.event, c.failure.message);
}
