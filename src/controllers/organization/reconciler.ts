/**
 * The Organization reconciler: one row in `organizations` and one namespace
 * (or the shared one) per Organization (DESIGN section 5). A flat run of
 * steps, each returning early: gone → deleting (finalize.ts) → default-org
 * refused → finalizer → immutable namespace → namespace → class policy
 * (policy-step.ts; PolicyApplied only, never Ready) → database gate
 * (Ready, and spec.allowOrganizations) → row (only one this org created or
 * took back, never default-org) → status and Event.
 *
 * Domain outcomes (a conflict, a schema not yet Ready) go to status and wait
 * for an event that can change them (the watches in setup.ts), never for a
 * thrown error: no error spam while a database is being migrated. API and
 * database failures are thrown and retried with backoff.
 */
import {
  getCondition,
  OrganizationConditions,
  RETRY_ANNOTATION,
  type Organization,
} from '../../api/index.js';
import type { ReconcileContext, Result } from '../../kube/index.js';
import { databaseGate } from './database-gate.js';
import { DEFAULT_ORG_ID, type OrganizationDeps } from './deps.js';
import { recordTransition } from './events.js';
import { finalize } from './finalize.js';
import { decideNamespace, SHARED_NAMESPACE } from './namespace.js';
import { applyPolicy, withClassMetadata } from './policy-step.js';
import { RowMemo } from './row-memo.js';
import type { OrgRow } from './sql.js';
import { statusFor, type OrgStatus } from './status.js';

/** How long to wait before looking again at what no watch reports. */
export const RECHECK_MS = {
  /** A namespace on its way out. */
  terminating: 2_000,
  /** A name held by another row (the database is not watched). */
  nameConflict: 60_000,
} as const;

/** One step's verdict: stop with this result, or go on. */
type Step = Result | 'continue';

/** Builds the reconcile function over `deps`. */
export function organizationReconciler(deps: OrganizationDeps) {
  const now = deps.now ?? (() => new Date());
  // The wake-ups that follow a write (its namespace appearing, its SchemaMigration's status)
  // find the row as written and send nothing (row-memo.ts).
  const written = new RowMemo(() => now().getTime());

  return async function reconcile(ctx: ReconcileContext, key: string): Promise<Result> {
    let org = deps.getOrganization(key);
    if (!org) {
      written.forget(key);
      await deps.releaseDatabase(key);
      return {};
    }
    const st = statusFor(org.status, { generation: org.metadata.generation ?? 0, now: now() });
    const readyBefore = getCondition(org.status?.conditions, OrganizationConditions.Ready);
    const done = async (result: Result): Promise<Result> => {
      await deps.writeStatus(org!, st.status);
      recordTransition(deps.events, org!, readyBefore, st.status);
      return result;
    };

    if (org.metadata.deletionTimestamp) {
      written.forget(key);
      return finalize({ deps, org, st, gate: (o) => databaseGate(deps, o), done, ctx });
    }
    if (org.metadata.name === DEFAULT_ORG_ID) {
      // No finalizer either: nothing of it is ever ours to finalize.
      const message = `${DEFAULT_ORG_ID} is the organization migration 006 made; no Organization may change it`;
      st.conflict({ on: 'database', reason: 'DefaultOrgProtected', message });
      return done({});
    }
    org = await deps.addFinalizer(org);

    const nsName = org.spec.namespace ?? SHARED_NAMESPACE;
    let step = immutableNamespace(nsName, st);
    if (step === 'continue') step = await ensureNamespace(org, nsName, st);
    if (step === 'continue') await applyPolicy(deps, org, nsName, st);
    if (step === 'continue') step = await writeRow(org, nsName, st, done);
    if (step !== 'continue') return done(step);

    ctx.log.debug('organization synced', { namespace: nsName });
    return done({});
  };

  /** The namespace is immutable (CEL says so too; a CRD without the rule must not move a tenant). */
  function immutableNamespace(nsName: string, st: OrgStatus): Step {
    const was = st.status.namespace;
    if (!was || was === nsName) return 'continue';
    const message = `spec.namespace changed from ${was} to ${nsName}; the namespace of an organization is immutable`;
    st.conflict({ on: 'namespace', reason: 'NamespaceImmutable', message });
    return {};
  }

  async function ensureNamespace(org: Organization, nsName: string, st: OrgStatus): Promise<Step> {
    const identity = {
      id: org.metadata.name!,
      uid: org.metadata.uid ?? '',
      adopt: org.spec.adoptNamespace ?? false,
      suspended: org.spec.suspended ?? false,
    };
    const d = decideNamespace(nsName, identity, deps.getNamespace(nsName), {
      operatorNamespace: deps.operatorNamespace,
      reserved: deps.namespacePolicy?.reserved,
      pattern: deps.namespacePolicy?.pattern,
    });
    const exists = { namespace: nsName, message: `namespace ${nsName} exists` };
    switch (d.kind) {
      case 'refuse':
      case 'conflict':
        st.conflict({ on: 'namespace', reason: d.reason, message: d.message });
        return {};
      case 'wait':
        st.pending({ on: 'namespace', reason: d.reason, message: d.message });
        return { requeueAfterMs: RECHECK_MS.terminating };
      case 'create':
        // AlreadyExists (a namespace our cache has not seen yet) is thrown: the retry decides again.
        await deps.namespaces.create(withClassMetadata(deps, org, d.object));
        st.namespaceReady(exists);
        return 'continue';
      case 'ready':
        if (d.patch) await deps.namespaces.patch(nsName, d.patch);
        st.namespaceReady(exists);
        return 'continue';
    }
  }

  /** The row, once the database gate opens; a database error is written to status, then thrown. */
  async function writeRow(
    org: Organization,
    nsName: string,
    st: OrgStatus,
    done: (r: Result) => Promise<Result>,
  ): Promise<Step> {
    const key = org.metadata.name!;
    const gate = await databaseGate(deps, org);
    if (!gate.ready) {
      written.forget(key);
      const holdup = { on: 'database' as const, reason: gate.reason, message: gate.message };
      if (gate.refused) st.conflict(holdup);
      else st.pending(holdup);
      return gate.result;
    }
    const row = rowOf(org, nsName);
    const retry = org.metadata.annotations?.[RETRY_ANNOTATION];
    if (written.fresh(key, gate.db, row, retry)) {
      st.synced({ suspended: row.status === 'suspended' });
      return 'continue';
    }
    written.forget(key);
    const result = await gate.db.upsert(row).catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      st.pending({ on: 'database', reason: 'DatabaseError', message });
      await done({});
      throw err;
    });
    if (result.outcome === 'row-conflict') {
      const message = `a row with id ${row.id} exists in the organizations table and this operator did not create it for this Organization (uid ${row.uid}); nothing was written`;
      st.conflict({ on: 'database', reason: 'RowConflict', message });
      return { requeueAfterMs: RECHECK_MS.nameConflict };
    }
    if (result.outcome === 'name-conflict') {
      const message = `name ${row.name} belongs to organization id ${result.ownerId} in the organizations table`;
      st.conflict({ on: 'database', reason: 'NameConflict', message });
      return { requeueAfterMs: RECHECK_MS.nameConflict };
    }
    written.remember(key, gate.db, row, retry);
    st.synced({ suspended: row.status === 'suspended' });
    return 'continue';
  }
}

/**
 * The row an Organization owns. The id and the unique `name` are both
 * metadata.name: the CRD has no other unique handle, and the id is what the
 * API's rows reference (org_id). The name is only written with a new row
 * (sql.ts), so rows made by others keep theirs.
 */
export function rowOf(org: Organization, namespace: string): OrgRow {
  const synced = getCondition(org.status?.conditions, OrganizationConditions.DatabaseSynced);
  return {
    uid: org.metadata.uid ?? '',
    // Written by this operator before rows were recorded: its own status says so, for this spec
    // (a databaseRef changed since points at rows it never wrote).
    adoptUnrecorded:
      synced?.status === 'True' &&
      synced.reason === 'Synced' &&
      synced.observedGeneration === org.metadata.generation,
    id: org.metadata.name!,
    name: org.metadata.name!,
    displayName: org.spec.displayName,
    description: org.spec.description ?? null,
    namespace,
    status: org.spec.suspended ? 'suspended' : 'active',
  };
}
