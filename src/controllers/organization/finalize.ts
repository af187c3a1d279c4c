/**
 * Deleting an Organization (the finalizer's work), DESIGN section 5:
 *
 * - `default-org` is never deleted: its row and namespace stay untouched and
 *   the finalizer goes, so the object (or the CRD) can be removed;
 * - Retain (the default): the row is marked `deleted`, the namespace kept;
 * - Delete: nothing while rows reference the org (Stalled, with the tables);
 *   then the namespace, only if this org created it (else the class's
 *   objects in it, policy-step.ts); then the row, under a
 *   row lock that keeps new references out (they would cascade).
 *
 * Status is written only while deletion waits; a deletion that finishes in
 * one pass costs an Event and the finalizer patch.
 */
import type { Organization } from '../../api/index.js';
import type { ReconcileContext, Result } from '../../kube/index.js';
import { DEFAULT_ORG_ID, ORG_FINALIZER, type OrganizationDeps } from './deps.js';
import { recordEvent } from './events.js';
import { createdBy, SHARED_NAMESPACE } from './namespace.js';
import type { DatabaseGate } from './database-gate.js';
import { deletePolicy } from './policy-step.js';
import type { Reference } from './sql.js';
import type { OrgStatus } from './status.js';

/** How long a deletion blocked by referencing rows waits before it looks again (the database is not watched). */
export const BLOCKED_RECHECK_MS = 60_000;

/** What finalize works with. */
export interface FinalizeInput {
  deps: OrganizationDeps;
  org: Organization;
  /** The status being built, stamped with the reconcile's generation and time. */
  st: OrgStatus;
  gate(org: Organization): Promise<DatabaseGate>;
  /** Writes status (when changed), records the transition Event, returns `result`. */
  done(result: Result): Promise<Result>;
  ctx: ReconcileContext;
}

/** Runs one pass of the deletion of `org` (its deletionTimestamp is set). */
export async function finalize(i: FinalizeInput): Promise<Result> {
  const { deps, org, st } = i;
  const id = org.metadata.name!;
  const uid = org.metadata.uid ?? '';
  if (!org.metadata.finalizers?.includes(ORG_FINALIZER)) {
    await deps.releaseDatabase(id);
    return {};
  }
  if (id === DEFAULT_ORG_ID) {
    const why = `${DEFAULT_ORG_ID} is never deleted: its row and namespace are kept; only the Organization object goes`;
    recordEvent(deps.events, org, 'Warning', 'DefaultOrgProtected', why);
    return release(i);
  }
  const policy = org.spec.deletionPolicy ?? 'Retain';
  st.terminating({ message: `deleting (spec.deletionPolicy ${policy})` });

  const gate = await i.gate(org);
  if (!gate.ready) {
    // A database that refuses Organizations is never written, not even to mark a row.
    if (gate.refused) {
      const why = `nothing done in the database: ${gate.message}; namespace and any row are kept`;
      recordEvent(deps.events, org, 'Warning', 'RowNotMarked', why);
      return release(i);
    }
    if (gate.gone && policy === 'Retain') {
      const why = `the row was not marked deleted: ${gate.message}; namespace and any row are kept`;
      recordEvent(deps.events, org, 'Warning', 'RowNotMarked', why);
      return release(i);
    }
    if (gate.gone) {
      st.stalled({
        reason: 'DatabaseUnavailable',
        message: `cannot delete the row: ${gate.message}`,
      });
      return i.done({});
    }
    st.terminating({ message: `waiting to delete: ${gate.message}` });
    return i.done(gate.result);
  }

  if (policy === 'Retain') {
    const marked = await gate.db.markDeleted(id, uid);
    const ns = st.status.namespace ?? org.spec.namespace ?? SHARED_NAMESPACE;
    const what = marked ? 'row marked deleted' : 'no row of this organization to mark';
    recordEvent(deps.events, org, 'Normal', 'Retained', `${what}; namespace ${ns} kept`);
    return release(i);
  }

  const refs = await gate.db.references(id);
  if (refs.length > 0) return blocked(i, refs);
  const nsName = st.status.namespace ?? org.spec.namespace ?? SHARED_NAMESPACE;
  const ours = createdBy(deps.getNamespace(nsName), { id, uid });
  if (ours) await deps.namespaces.delete(nsName);
  // A namespace kept (adopted) loses the class's objects; one deleted takes them along.
  else if (nsName !== SHARED_NAMESPACE) await deletePolicy(deps, org, nsName);
  const deleted = await gate.db.deleteRow(id, uid);
  if (deleted.outcome === 'blocked') return blocked(i, deleted.references);
  const nsWhat = ours
    ? `namespace ${nsName} deleted`
    : `namespace ${nsName} kept (this organization did not create it)`;
  const rowWhat =
    deleted.outcome === 'deleted'
      ? 'row deleted'
      : 'row kept (this organization did not create it)';
  recordEvent(deps.events, org, 'Normal', 'Deleted', `${rowWhat}; ${nsWhat}`);
  return release(i);
}

function blocked(i: FinalizeInput, refs: Reference[]): Promise<Result> {
  const list = refs.map((r) => `${r.rows} in ${r.table}`).join(', ');
  const why = `rows still reference organization ${i.org.metadata.name} (${list}); the row is deleted once none do`;
  i.st.stalled({ reason: 'DeletionBlocked', message: why });
  return i.done({ requeueAfterMs: BLOCKED_RECHECK_MS });
}

async function release(i: FinalizeInput): Promise<Result> {
  await i.deps.removeFinalizer(i.org);
  await i.deps.releaseDatabase(i.org.metadata.name!);
  i.ctx.log.debug('organization finalized');
  return {};
}
