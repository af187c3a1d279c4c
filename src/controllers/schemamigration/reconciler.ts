/**
 * The SchemaMigration reconciler: the database follows the CR, and the CR's
 * status tells the truth. A flat run of steps, each returning early:
 * gone or deleting → suspended → database URL → source → stalled and
 * unchanged → run the engine (which refuses a ledger another CR owns, see
 * claims.ts) → status and Events.
 *
 * Deleting a SchemaMigration never touches the database: there is no
 * finalizer. Domain failures go to status; transient ones are thrown so the
 * controller retries them with backoff (and leave a Ready schema Ready).
 * The run takes the reconcile's signal: a deadline, a deletion or a spec
 * change cancels its statement on the server.
 */
import { createHash } from 'node:crypto';
import type { SchemaMigration, SchemaMigrationStatus } from '../../api/index.js';
import { RETRY_ANNOTATION } from '../../api/index.js';
import {
  InvalidSourceError,
  RunAbortedError,
  migrate,
  type AllowedHosts,
  type DatabaseAccess,
  type AppliedMigration,
  type Migration,
  type MigrateResult,
  type Plan,
  type RunOptions,
} from '../../engine/index.js';
import type { EventRecorder, EventSubject, ReconcileContext, Result } from '../../kube/index.js';
import type { OperatorMetrics } from '../../observability/index.js';
import { accessKeyOf, isDatabaseRefusal, readDatabaseAccess } from '../database-secret.js';
import {
  claimConflict,
  claimFor,
  CONFLICT_RECHECK_MS,
  type SchemaMigrationExists,
} from './claims.js';
import { classify, keepsReady, operatorFailure, type Classified } from './failure.js';
import { atTarget, readyKey } from './readiness.js';
import { runOptions } from './options.js';
import { loadSource, type ConfigMapReader } from './source.js';
import {
  applyPlan,
  markApplied,
  markApplying,
  markFailed,
  markRetrying,
  markSuspended,
  startStatus,
  type PlanSummary,
} from './status.js';
import type { StatusWriter } from '../status-writer.js';
import { planSummary } from './summary.js';

/** Everything the reconciler reads and writes, injected. */
export interface SchemaMigrationDeps {
  /** The informer cache. */
  get(key: string): SchemaMigration | undefined;
  readConfigMap: ConfigMapReader;
  /** The decoded value of a Secret key in a namespace, or undefined when the Secret or key is missing. */
  readSecretKey(namespace: string, name: string, key: string): Promise<string | undefined>;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedDatabaseHosts?: AllowedHosts;
  statusWriter: Pick<StatusWriter<SchemaMigrationStatus>, 'write' | 'writeThrottled'>;
  events: EventRecorder;
  metrics?: OperatorMetrics;
  now?: () => Date;
  /** Whether SchemaMigration `namespace/name` exists (a live read); the cache when absent. */
  schemaMigrationExists?: SchemaMigrationExists;
  /** The engine, replaceable in tests. */
  migrate?: typeof migrate;
  appliedBy: string;
}

/** A URL refused before connecting is looked at again this often (and when the CR changes). */
const REFUSED_URL_RECHECK_MS = 60_000;

/** A thrown transient failure: the controller logs it and retries with backoff. */
export class RetryLater extends Error {}

/** Builds the reconcile function with its per-process memory of stalls and claims. */
export function schemaMigrationReconciler(deps: SchemaMigrationDeps) {
  const now = deps.now ?? (() => new Date());
  const run = deps.migrate ?? migrate;
  /** What a stalled CR last tried: it waits until one of these changes. */
  const stalledOn = new Map<string, string>();
  // A live read: a cache filtered by namespace or shard would call a living owner gone.
  const exists = deps.schemaMigrationExists ?? ((k: string) => Promise.resolve(!!deps.get(k)));
  /** What each CR was last Ready with (generation, source, database), to tell a blip from new work. */
  const readyWith = new Map<string, string>();

  return async function reconcile(ctx: ReconcileContext, key: string): Promise<Result> {
    const obj = deps.get(key);
    if (!obj || obj.metadata?.deletionTimestamp) {
      stalledOn.delete(key);
      readyWith.delete(key);
      return {};
    }
    const gen = obj.metadata?.generation ?? 0;
    const ns = obj.metadata!.namespace!;
    const status = startStatus(obj.status, gen, now());
    const write = () => deps.statusWriter.write(obj, status);

    if (obj.spec.suspend) {
      markSuspended(status, gen, now());
      await write();
      return {};
    }

    const ref = obj.spec.database.urlSecretRef;
    const secretKey = ref.key ?? 'url';
    let access: DatabaseAccess | undefined;
    try {
      access = await readDatabaseAccess(
        deps.readSecretKey,
        { namespace: ns, name: ref.name, key: secretKey },
        deps.allowedDatabaseHosts,
      );
    } catch (err) {
      if (!isDatabaseRefusal(err)) throw err;
      // Nothing was tried; a new look when the Secret may have been fixed, never a retry storm.
      await fail(obj, status, classify(err), gen);
      return { requeueAfterMs: REFUSED_URL_RECHECK_MS };
    }
    if (!access) {
      const why = `Secret ${ns}/${ref.name} or its key "${secretKey}" does not exist (spec.database.urlSecretRef)`;
      await fail(obj, status, operatorFailure('SecretNotFound', why, false), gen);
      throw new RetryLater(why);
    }
    const url = access.url;
    const accessKey = accessKeyOf(access);

    let migrations: Migration[];
    try {
      migrations = await loadSource(obj.spec.source, ns, deps.readConfigMap);
    } catch (err) {
      if (!(err instanceof InvalidSourceError)) throw err;
      stalledOn.set(key, attemptKey(obj, accessKey, 'invalid'));
      await fail(obj, status, classify(err), gen);
      return {};
    }

    const attempt = attemptKey(obj, accessKey, digest(migrations));
    if (stalledOn.get(key) === attempt && isStalled(obj)) return {};
    stalledOn.delete(key);

    // Ready stays through a transient error only if nothing it was Ready for has changed.
    const wanted = readyKey(obj, accessKey, migrations);
    const unchanged = readyWith.has(key)
      ? readyWith.get(key) === wanted
      : atTarget(obj, migrations);
    let result: MigrateResult;
    const options: RunOptions = {
      ...runOptions(obj, url, migrations, deps.appliedBy),
      tls: access.tls,
      allowedHosts: deps.allowedDatabaseHosts,
      claim: claimFor(obj, exists),
      signal: ctx.signal,
    };
    // What this run planned and applied, so a failure's status shows counts as they now are.
    let planned: Plan | undefined;
    const appliedNow: AppliedMigration[] = [];
    try {
      result = await run(options, {
        onPlan: (p) => {
          planned = p;
          deps.metrics?.pendingMigrations.set(
            { namespace: ns, name: obj.metadata!.name! },
            p.pending.length,
          );
          if (p.pending.length > 0) {
            markApplying(status, planSummary(p, migrations, obj, []), gen, now());
            void write();
          }
        },
        onApplied: (m, ms) => {
          const { version, name, checksum } = m;
          appliedNow.push({ version, name, checksum, durationMs: ms, outOfOrder: false });
          const labels = { namespace: ns, name: obj.metadata!.name! };
          deps.metrics?.migrationsApplied.inc(labels);
          deps.metrics?.migrationDuration.observe(labels, ms / 1000);
          void deps.events.record(
            subject(obj),
            'Normal',
            'MigrationApplied',
            `applied ${m.version}_${m.name} in ${ms} ms`,
          );
          status.appliedVersion = m.version;
          status.lastApplied = {
            version: m.version,
            name: m.name,
            checksum: m.checksum,
            appliedAt: rfc3339(now()),
            durationMs: ms,
          };
          void deps.statusWriter.writeThrottled(obj, status);
        },
        // A connection lost mid-run is retried inside the run: meanwhile the CR says so.
        onRetry: (_m, err) =>
          void fail(obj, status, classify(err), gen, unchanged).catch(() => undefined),
        onLockBusy: (holder) =>
          void deps.events.record(
            subject(obj),
            'Normal',
            'LockBusy',
            `waiting for the migration lock held by ${holder ?? 'another session'}`,
          ),
      });
    } catch (err) {
      // Deleted, or its spec changed: the CR as it now is (if any) is queued already.
      if (err instanceof RunAbortedError && err.reason === 'Cancelled') {
        ctx.log.info('run cancelled', { why: err.message });
        return {};
      }
      const conflict = claimConflict(obj, err);
      if (conflict) {
        // Not remembered as a stall: the owner's deletion must be able to free this one.
        await fail(obj, status, conflict, gen);
        return { requeueAfterMs: CONFLICT_RECHECK_MS };
      }
      const c = classify(err);
      deps.metrics?.migrationFailures.inc({
        namespace: ns,
        name: obj.metadata!.name!,
        reason: c.failure.reason,
      });
      if (c.terminal) stalledOn.set(key, attempt);
      if (planned) applyPlan(status, planSummary(planned, migrations, obj, appliedNow));
      await fail(obj, status, c, gen, unchanged);
      if (!c.terminal) throw new RetryLater(c.failure.message, { cause: err });
      return {};
    }

    deps.metrics?.lockWait.observe(
      { namespace: ns, name: obj.metadata!.name! },
      result.lockWaitMs / 1000,
    );
    const summary: PlanSummary = planSummary(result.plan, migrations, obj, result.applied);
    deps.metrics?.pendingMigrations.set(
      { namespace: ns, name: obj.metadata!.name! },
      summary.pending,
    );
    markApplied(status, summary, gen, now());
    await write();
    readyWith.set(key, wanted);
    ctx.log.debug('applied', { version: summary.appliedVersion, newly: result.applied.length });
    return {};
  };

  async function fail(
    obj: SchemaMigration,
    status: NonNullable<SchemaMigration['status']>,
    c: Classified,
    gen: number,
    unchanged = false,
  ) {
    if (unchanged && keepsReady(status, c, gen)) {
      // Nothing about the schema changed: Ready stays, Reconciling and an Event say why we retry.
      const was = status.conditions?.find((x) => x.type === 'Reconciling')?.message;
      markRetrying(status, c.failure, gen, now());
      await deps.statusWriter.write(obj, status);
      if (was !== `retrying: ${c.failure.message}`)
        void deps.events.record(subject(obj), 'Warning', c.event, c.failure.message);
      return;
    }
    const before = obj.status?.failure;
    markFailed(status, c.failure, c.terminal, gen, now());
    await deps.statusWriter.write(obj, status);
    // One Event per new failure, not one per retry.
    if (before?.reason !== c.failure.reason || before?.message !== c.failure.message) {
      void deps.events.record(subject(obj), 'Warning', c.event, c.failure.message);
    }
  }
}

function isStalled(obj: SchemaMigration): boolean {
  return obj.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True') ?? false;
}

function attemptKey(obj: SchemaMigration, url: string, source: string): string {
  const retry = obj.metadata?.annotations?.[RETRY_ANNOTATION] ?? '';
  return [obj.metadata?.generation, source, retry, digestText(url)].join('|');
}

function digest(migrations: Migration[]): string {
  return digestText(
    migrations.map((m) => `${m.version}:${m.checksum}:${m.transactional}`).join(','),
  );
}

function digestText(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/** What an Event is about: the CR's identity only. */
function subject(obj: SchemaMigration): EventSubject {
  const { name, namespace, uid, resourceVersion } = obj.metadata ?? {};
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name, namespace, uid, resourceVersion },
  };
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
