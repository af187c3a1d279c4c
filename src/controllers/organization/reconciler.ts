/**
 * The Organization reconciler: one row in `organizations` and one namespace
 * (or the shared one) per Organization (DESIGN section 5). A flat run of
 * steps, each returning early: gone → deleting (finalize.ts) → default-org
 * refused → finalizer → immutable namespace → namespace → database gate
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
  type Organization,
  type OrganizationStatus,
} from '../../api/index.js';
import type { ReconcileContext, Result } from '../../kube/index.js';
import { databaseGate } from './database-gate.js';
import { DEFAULT_ORG_ID, type OrganizationDeps } from './deps.js';
import { recordTransition } from './events.js';
import { finalize } from './finalize.js';
import { decideNamespace, SHARED_NAMESPACE } from './namespace.js';
import type { OrgRow } from './sql.js';
import {
  markConflict,
  markNamespaceReady,
  markPending,
  markSynced,
  startStatus,
} from './status.js';

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

  return async function reconcile(ctx: ReconcileContext, key: string): Promise<Result> {
    let org = deps.getOrganization(key);
    if (!org) {
      await deps.releaseDatabase(key);
      return {};
    }
    const gen = org.metadata.generation ?? 0;
    const status = startStatus(org.status, gen, now());
    const readyBefore = getCondition(org.status?.conditions, OrganizationConditions.Ready);
    const done = async (result: Result): Promise<Result> => {
      await deps.writeStatus(org!, status);
      recordTransition(deps.events, org!, readyBefore, status);
      return result;
    };

    if (org.metadata.deletionTimestamp) {
      return finalize({ deps, org, status, gate: (o) => databaseGate(deps, o), now, done, ctx });
    }
    if (org.metadata.name === DEFAULT_ORG_ID) {
      // No finalizer either: nothing of it is ever ours to finalize.
      const why = `${DEFAULT_ORG_ID} is the organization migration 006 made; no Organization may change it`;
      markConflict(status, 'database', 'DefaultOrgProtected', why, gen, now());
      return done({});
    }
    org = await deps.addFinalizer(org);

    const nsName = org.spec.namespace ?? SHARED_NAMESPACE;
    let step = immutableNamespace(nsName, status, gen);
    if (step === 'continue') step = await ensureNamespace(org, nsName, status, gen);
    if (step !== 'continue') return done(step);

    const gate = await databaseGate(deps, org);
    if (!gate.ready) {
      const mark = gate.refused ? markConflict : markPending;
      mark(status, 'database', gate.reason, gate.message, gen, now());
      return done(gate.result);
    }
    const row = rowOf(org, nsName);
    const written = await gate.db.upsert(row).catch(async (err: unknown) => {
      markPending(status, 'database', 'DatabaseError', (err as Error).message, gen, now());
      await done({});
      throw err;
    });
    if (written.outcome === 'row-conflict') {
      const why = `a row with id ${row.id} exists in the organizations table and this operator did not create it for this Organization (uid ${row.uid}); nothing was written`;
      markConflict(status, 'database', 'RowConflict', why, gen, now());
      return done({ requeueAfterMs: RECHECK_MS.nameConflict });
    }
    if (written.outcome === 'name-conflict') {
      const why = `name ${row.name} belongs to organization id ${written.ownerId} in the organizations table`;
      markConflict(status, 'database', 'NameConflict', why, gen, now());
      return done({ requeueAfterMs: RECHECK_MS.nameConflict });
    }
    markSynced(status, row.status === 'suspended', gen, now());
    ctx.log.debug('organization synced', { row: written.outcome, namespace: nsName });
    return done({});
  };

  /** The namespace is immutable (CEL says so too; a CRD without the rule must not move a tenant). */
  function immutableNamespace(nsName: string, status: OrganizationStatus, gen: number): Step {
    if (!status.namespace || status.namespace === nsName) return 'continue';
    const why = `spec.namespace changed from ${status.namespace} to ${nsName}; the namespace of an organization is immutable`;
    markConflict(status, 'namespace', 'NamespaceImmutable', why, gen, now());
    return {};
  }

  async function ensureNamespace(
    org: Organization,
    nsName: string,
    status: OrganizationStatus,
    gen: number,
  ): Promise<Step> {
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
    switch (d.kind) {
      case 'refuse':
      case 'conflict':
        markConflict(status, 'namespace', d.reason, d.message, gen, now());
        return {};
      case 'wait':
        markPending(status, 'namespace', d.reason, d.message, gen, now());
        return { requeueAfterMs: RECHECK_MS.terminating };
      case 'create':
        // AlreadyExists (a namespace our cache has not seen yet) is thrown: the retry decides again.
        await deps.namespaces.create(d.object);
        markNamespaceReady(status, nsName, `namespace ${nsName} exists`, gen, now());
        return 'continue';
      case 'ready':
        if (d.patch) await deps.namespaces.patch(nsName, d.patch);
        markNamespaceReady(status, nsName, `namespace ${nsName} exists`, gen, now());
        return 'continue';
    }
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
