/**
 * The SchemaMigration reconciler: the database follows the CR, and the CR's
 * status tells the truth. A flat run of steps, each returning early:
 * gone or deleting → suspended → database access (Secret) → source →
 * stalled and unchanged → Ready with nothing changed (one query,
 * resync-step.ts) → run the engine (which refuses a ledger another CR
 * owns, see claims.ts; run-step.ts; holds a contract migration while pods
 * need an older schema, contract.ts; and stops a plan that waits for
 * approval, approval.ts) → its failure, its wait for approval, or its success
 * (with the drift check when due, drift-step.ts).
 *
 * Deleting a SchemaMigration never touches the database: there is no
 * finalizer. Domain failures go to status: a missing or refused Secret is
 * looked at again after SECRET_RECHECK_MS, a stalled CR waits for a change.
 * Transient ones are thrown so the controller retries them with backoff
 * (and leave a Ready schema Ready). The run takes the reconcile's signal: a
 * deadline, a deletion or a spec change cancels its statement on the server.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  isConditionTrue,
  MigrationConditions,
  REPAIR_ANNOTATION,
  REPAIR_REASON_ANNOTATION,
  RETRY_ANNOTATION,
  type SchemaMigration,
} from '../../api/index.js';
import {
  InvalidSourceError,
  RunAbortedError,
  type ConnectionSource,
  type DatabaseAccess,
  type Migration,
} from '../../engine/index.js';
import type { ReconcileContext, Result } from '../../kube/index.js';
import {
  accessKeyOf,
  isDatabaseRefusal,
  readDatabaseAccess,
  SECRET_RECHECK_MS,
} from '../database-secret.js';
import { ApprovalReporter } from './approval-step.js';
import { claimConflict, CONFLICT_RECHECK_MS } from './claims.js';
import { labelsOf, RetryLater, type Attempt, type SchemaMigrationDeps } from './deps.js';
import { reportContract } from './contract-step.js';
import { DriftChecker } from './drift-step.js';
import { classify, operatorFailure } from './failure.js';
import { runOptions } from './options.js';
import { atTarget, readyKey } from './readiness.js';
import { reportFailure } from './report.js';
import { ResyncMemory } from './resync-step.js';
import { runEngine, type RunOutcome } from './run-step.js';
import { statusFor } from './status.js';
import { loadSource } from './source.js';
import { planSummary } from './summary.js';

export { RetryLater, type SchemaMigrationDeps } from './deps.js';

/** A step's verdict when the reconcile stops there. */
class Stop {
  constructor(readonly result: Result) {}
}

/** Builds the reconcile function with its per-process memory of stalls and claims. */
export function schemaMigrationReconciler(deps: SchemaMigrationDeps) {
  const now = deps.now ?? (() => new Date());
  /** What a stalled CR last tried: it waits until one of these changes. */
  const stalledOn = new Map<string, string>();
  // A live read: a cache filtered by namespace or shard would call a living owner gone.
  const exists = deps.schemaMigrationExists ?? ((k: string) => Promise.resolve(!!deps.get(k)));
  /** What each CR was last Ready with (generation, source, database), to tell a blip from new work. */
  const readyWith = new Map<string, string>();
  const approvals = new ApprovalReporter(deps);
  const drift = new DriftChecker(deps);
  const resync = new ResyncMemory(deps);

  return async function reconcile(ctx: ReconcileContext, key: string): Promise<Result> {
    const obj = deps.get(key);
    if (!obj || obj.metadata.deletionTimestamp) return forget(key);
    const generation = obj.metadata.generation ?? 0;
    const a: Attempt = { ctx, key, obj, st: statusFor(obj.status, { generation, now: now() }) };

    if (obj.spec.suspend) return suspend(a);
    const access = await databaseAccess(a);
    if (access instanceof Stop) return access.result;
    const migrations = await source(a, accessKeyOf(access));
    if (migrations instanceof Stop) return migrations.result;
    const attempt = attemptKey(obj, accessKeyOf(access), digest(migrations));
    if (stalledOn.get(key) === attempt && isStalled(obj)) return {};
    stalledOn.delete(key);
    // Runs, drift checks and resyncs of this CR share its database's pooled sessions.
    const connection = deps.sessions?.(key, access);
    if (await resync.unchanged(a, attempt, stampOptions(a, access, migrations, connection)))
      return quiet(a, { access, migrations, connection });

    // Ready stays through a transient error only if nothing it was Ready for has changed.
    const wanted = readyKey(obj, accessKeyOf(access), migrations);
    const unchanged = readyWith.has(key)
      ? readyWith.get(key) === wanted
      : atTarget(obj, migrations);
    const run = await runEngine(deps, a, { access, migrations, unchanged, exists, connection });
    if (!run.ok) {
      resync.forget(key);
      return runFailed(a, run, { migrations, attempt, unchanged });
    }
    resync.remember(a, attempt, run.result);
    // Nothing ran: the plan waits for the approve annotation, whose change wakes the CR.
    if (run.approval)
      return approvals.report(a, run.approval, run.result, migrations).then(() => ({}));
    // After the run, so a migration that made the change legitimately is never drift; a run
    // that applied files has recorded a new fingerprint, so there is none to read for.
    const recorded = run.result.applied.length > 0;
    const again = await drift.check(a, { access, migrations, recorded, connection });
    await applied(a, run, migrations);
    readyWith.set(key, wanted);
    return again === undefined ? {} : { requeueAfterMs: again };
  };

  function forget(key: string): Result {
    deps.contractWaiting?.(key, false);
    stalledOn.delete(key);
    readyWith.delete(key);
    approvals.forget(key);
    drift.forget(key);
    resync.forget(key);
    void deps.releaseSessions?.(key);
    return {};
  }

  /**
   * Nothing to run: only the drift check when it is due (on the pool), and
   * the status written only if that check changed it.
   */
  async function quiet(
    a: Attempt,
    i: { access: DatabaseAccess; migrations: Migration[]; connection?: ConnectionSource },
  ): Promise<Result> {
    const again = await drift.check(a, { ...i, recorded: false });
    if (!isDeepStrictEqual(a.st.status, a.obj.status))
      await deps.statusWriter.write(a.obj, a.st.status);
    return again === undefined ? {} : { requeueAfterMs: again };
  }

  /** What the stamp read needs: the run's own database and session start-up, so it shares its pool. */
  function stampOptions(
    a: Attempt,
    access: DatabaseAccess,
    migrations: Migration[],
    connection: ConnectionSource | undefined,
  ) {
    return {
      ...runOptions(a.obj, access.url, migrations, deps.appliedBy),
      tls: access.tls,
      allowedHosts: deps.allowedDatabaseHosts,
      signal: a.ctx.signal,
      connection,
    };
  }

  async function suspend(a: Attempt): Promise<Result> {
    a.st.suspended();
    await deps.statusWriter.write(a.obj, a.st.status);
    return {};
  }

  /** The database the Secret names; a missing or refused one is a domain failure, looked at again later. */
  async function databaseAccess(a: Attempt): Promise<DatabaseAccess | Stop> {
    const ns = a.obj.metadata.namespace ?? '';
    const ref = a.obj.spec.database.urlSecretRef;
    const secretKey = ref.key ?? 'url';
    try {
      const access = await readDatabaseAccess(
        deps.readSecretKey,
        { namespace: ns, name: ref.name, key: secretKey },
        deps.allowedDatabaseHosts,
      );
      if (access) return access;
      const why = `Secret ${ns}/${ref.name} or its key "${secretKey}" does not exist (spec.database.urlSecretRef)`;
      await reportFailure(deps, a, operatorFailure('SecretNotFound', why, false));
    } catch (err) {
      if (!isDatabaseRefusal(err)) throw err;
      // Nothing was tried; a new look when the Secret may have been fixed, never a retry storm.
      await reportFailure(deps, a, classify(err));
    }
    return new Stop({ requeueAfterMs: SECRET_RECHECK_MS });
  }

  /** The migrations of spec.source; an invalid source stalls until the CR or the source changes. */
  async function source(a: Attempt, accessKey: string): Promise<Migration[] | Stop> {
    try {
      return await loadSource(
        a.obj.spec.source,
        a.obj.metadata.namespace ?? '',
        deps.readConfigMap,
      );
    } catch (err) {
      if (!(err instanceof InvalidSourceError)) throw err;
      stalledOn.set(a.key, attemptKey(a.obj, accessKey, 'invalid'));
      await reportFailure(deps, a, classify(err));
      return new Stop({});
    }
  }

  async function runFailed(
    a: Attempt,
    run: Extract<RunOutcome, { ok: false }>,
    o: { migrations: Migration[]; attempt: string; unchanged: boolean },
  ): Promise<Result> {
    const err = run.error;
    // Deleted, or its spec changed: the CR as it now is (if any) is queued already.
    if (err instanceof RunAbortedError && err.reason === 'Cancelled') {
      a.ctx.log.info('run cancelled', { why: err.message });
      return {};
    }
    const conflict = claimConflict(a.obj, err);
    if (conflict) {
      // Not remembered as a stall: the owner's deletion must be able to free this one.
      await reportFailure(deps, a, conflict);
      return { requeueAfterMs: CONFLICT_RECHECK_MS };
    }
    const c = classify(err);
    deps.metrics?.migrationFailures.inc({ ...labelsOf(a.obj), reason: c.failure.reason });
    if (c.terminal) stalledOn.set(a.key, o.attempt);
    if (run.planned) a.st.plan(planSummary(run.planned, o.migrations, a.obj, run.appliedNow));
    await reportFailure(deps, a, c, { unchanged: o.unchanged });
    if (!c.terminal) throw new RetryLater(c.failure.message, { cause: err });
    return {};
  }

  async function applied(
    a: Attempt,
    { result, wait }: Extract<RunOutcome, { ok: true }>,
    migrations: Migration[],
  ) {
    const labels = labelsOf(a.obj);
    deps.metrics?.lockWait.observe(labels, result.lockWaitMs / 1000);
    const summary = planSummary(result.plan, migrations, a.obj, result.applied);
    deps.metrics?.pendingMigrations.set(labels, summary.pending);
    a.st.applied(summary);
    const held = result.plan.held.map((m) => m.version);
    await reportContract(deps, a, wait, held);
    await deps.statusWriter.write(a.obj, a.st.status);
    a.ctx.log.debug('applied', { version: summary.appliedVersion, newly: result.applied.length });
  }
}

/** Stalled=True (kstatus): the last failure waits for a change. */
function isStalled(obj: SchemaMigration): boolean {
  return isConditionTrue(obj.status?.conditions, MigrationConditions.Stalled);
}

function attemptKey(obj: SchemaMigration, url: string, source: string): string {
  const a = obj.metadata?.annotations ?? {};
  const retry = a[RETRY_ANNOTATION] ?? '';
  // A repair annotation (or its reason) added to a stalled CR is a new attempt.
  const repair = `${a[REPAIR_ANNOTATION] ?? ''}|${a[REPAIR_REASON_ANNOTATION] ?? ''}`;
  return [obj.metadata?.generation, source, retry, repair, digestText(url)].join('|');
}

function digest(migrations: Migration[]): string {
  return digestText(
    migrations.map((m) => `${m.version}:${m.checksum}:${m.transactional}`).join(','),
  );
}

function digestText(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
