/**
 * A migration run: one dedicated connection, the migration lock, the ledger
 * read once under it, the plan checked, then each pending migration applied
 * in version order. A connection lost mid-run is retried from the top (a new
 * connection, the lock again, the ledger again) with backoff.
 */
import type pg from 'pg';
import { abortedError, cancelOnAbort, checkAborted, sleepUnlessAborted } from './abort.js';
import type { ApplyContext } from './apply.js';
import { connect, type ConnectOptions } from './connection.js';
import { NEW_CONNECTION_PER_RUN } from './connection-source.js';
import { ledgerStamp } from './ledger-stamp.js';
import { EngineError, ExistingSchemaError, type MigrationFailedError } from './errors.js';
import { virtualBaseline } from './baseline-row.js';
import {
  ensureLedger,
  insertLedgerRow,
  readLedger,
  userRelations,
  type LedgerRow,
} from './ledger.js';
import { hasStoredFingerprint, recordFingerprint } from './fingerprint.js';
import { acquireLock, releaseLock } from './lock.js';
import { checkOwner, recordOwner } from './owner.js';
import {
  resolveOptions,
  type ApprovalDatabase,
  type ResolvedOptions,
  type RunOptions,
} from './options.js';
import { assertSafe, plan, type Plan } from './plan.js';
import { repairInRun } from './repair-run.js';
import type { RepairRecord } from './repairs.js';
import { backoffDelay, realSleep } from './retry.js';
import { validateMigrations, type Migration } from './source.js';

/**
 * What a hook returns: a promise (or any thenable) the run waits for;
 * any other value is ignored, so `(x) => list.push(x)` stays a valid hook.
 */
export type HookResult = unknown;

/**
 * Hooks for progress bars, status writes, Events and metrics. All optional.
 * A hook may be async: the run waits for it before its next step (before
 * the next migration, before a retry's sleep, before it returns), so what a
 * hook writes lands in order. A hook that rejects fails the run, unless the
 * run failed already (then the run's own error is the one thrown).
 */
export interface MigrateObserver {
  onLockBusy?(holder: string | null): HookResult;
  onPlan?(plan: Plan): HookResult;
  onStart?(m: Migration): HookResult;
  onApplied?(m: Migration, durationMs: number): HookResult;
  onStatement?(m: Migration, index: number, total: number): HookResult;
  onRetry?(m: Migration | null, error: EngineError, attempt: number, delayMs: number): HookResult;
  /** A repair asked for in RunOptions.repairs was recorded. */
  onRepaired?(r: RepairRecord): HookResult;
}

/** Hook calls made from synchronous callbacks (the lock's, a statement's), awaited at the run's next step. */
class PendingHooks {
  private calls: Promise<void>[] = [];

  /** Keeps `result` to await later, if it is a promise. */
  add(result: HookResult): void {
    if (isThenable(result)) this.calls.push(Promise.resolve(result).then(() => undefined));
  }

  /** Waits for every kept call; rejects with the first rejection. */
  async settle(): Promise<void> {
    const calls = this.calls;
    this.calls = [];
    await Promise.all(calls);
  }
}

/** One applied migration. */
export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
  durationMs: number;
  outOfOrder: boolean;
}

/** What a run did. */
export interface MigrateResult {
  plan: Plan;
  applied: AppliedMigration[];
  /** Set when this run recorded the baseline row. */
  baselined: string | null;
  lockWaitMs: number;
  /** Set when RunOptions.approve said no: nothing was written, not even the ledger. */
  awaitingApproval?: true;
  /** The repairs this run made (RunOptions.repairs), before it planned; absent means none. */
  repaired?: RepairRecord[];
  /** The ledger's stamp as the run left it (see ledger-stamp.ts); only when RunOptions.stamp asked. */
  stamp?: string | null;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof (x as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Applies every pending migration; throws an EngineError subclass on failure. */
export async function migrate(
  o: RunOptions,
  observer: MigrateObserver = {},
): Promise<MigrateResult> {
  const opts = resolveOptions(o);
  const done: AppliedMigration[] = [];
  let connectedOnce = false;
  const connectOpts = connectOptions(opts);
  const source = opts.connection ?? NEW_CONNECTION_PER_RUN;
  for (let attempt = 1; ; attempt++) {
    // An aborted run never reconnects: its CR may be gone, and its files must not run again.
    checkAborted(opts.signal);
    let client: pg.Client | null = null;
    let release = () => undefined as void;
    // Only a session that ended cleanly (lock released, not lost, not aborted) is reused.
    const session = { clean: false };
    try {
      client = await source.acquire(connectOpts);
      release = cancelOnAbort(client, opts.signal, () =>
        connect({ ...connectOpts, signal: undefined }),
      );
      connectedOnce = true;
      const result = await runLocked(client, opts, observer, done, session);
      return { ...result, applied: done };
    } catch (err) {
      if (isLostConnection(err)) session.clean = false;
      if (opts.signal?.aborted) throw abortedError(opts.signal);
      // A database that was never reached is the caller's to retry; one lost mid-run is ours.
      if (!connectedOnce || !isLostConnection(err) || attempt > opts.maxRetries) throw err;
      const delay = backoffDelay(attempt - 1, { baseMs: 500, capMs: 15_000, random: opts.random });
      await observer.onRetry?.(null, err as EngineError, attempt, delay);
      await sleepUnlessAborted(opts.sleep ?? realSleep, delay, opts.signal);
    } finally {
      release();
      // A lost session is closed here, so the retry above takes a new one.
      const reusable = session.clean && !opts.signal?.aborted;
      if (client) {
        const released = source.release(client, { reusable });
        // A pooled session is reset behind the run, which is done with it; a connection of
        // the run's own is closed before it returns.
        if (!source.releasesBehind) await released;
      }
    }
  }
}

/** Slack over statement_timeout before the client stops waiting for an answer itself. */
const QUERY_TIMEOUT_SLACK_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The run's connection: the server bounds each statement (statement_timeout,
 * from the start-up packet on), and the client stops waiting for an answer
 * only after the longest any one query of this run may legitimately take (a
 * transactional file goes as one query: its statements each up to its
 * statement timeout), so a server that went silent cannot hold it forever.
 */
function connectOptions(opts: ResolvedOptions): ConnectOptions {
  // Semicolons bound the statement count from above (some sit in strings), without splitting.
  const longest = opts.migrations.reduce(
    (max, m) =>
      Math.max(max, (m.statementTimeoutMs ?? opts.statementTimeoutMs) * (1 + semicolons(m.sql))),
    opts.statementTimeoutMs,
  );
  return {
    url: opts.url,
    tls: opts.tls,
    allowedHosts: opts.allowedHosts,
    applicationName: opts.applicationName,
    statementTimeoutMs: opts.statementTimeoutMs,
    // Timers take at most 2^31-1 ms; a longer one would fire at once.
    queryTimeoutMs: Math.min(longest + QUERY_TIMEOUT_SLACK_MS, MAX_TIMER_MS),
    signal: opts.signal,
  };
}

function isLostConnection(err: unknown): boolean {
  return err instanceof EngineError && err.reason === 'ConnectionError';
}

async function runLocked(
  c: pg.Client,
  opts: ResolvedOptions,
  observer: MigrateObserver,
  done: AppliedMigration[],
  session: { clean: boolean },
): Promise<Omit<MigrateResult, 'applied'>> {
  const pending = new PendingHooks();
  const lockWaitMs = await acquireLock(c, opts.ledger, {
    waitMs: opts.lockWaitMs,
    sleep: opts.sleep,
    signal: opts.signal,
    onBusy: (h) => pending.add(observer.onLockBusy?.(h)),
  }).then(
    async (ms) => {
      await pending.settle();
      return ms;
    },
    async (err: unknown) => {
      await pending.settle().catch(() => undefined);
      throw err;
    },
  );
  try {
    // Whose ledger it is comes first: a run refused here has read nothing of it.
    const owner = opts.claim ? await checkOwner(c, opts.ledger, opts.claim) : null;
    // The ledger's tables at their current shape before anything is written: one catalog
    // query, and DDL only when one is missing or old. A run that writes nothing runs neither.
    const ensure = once(() => ensureLedger(c, opts.ledger));
    // The repairs asked for are the one write before the plan: it must see the ledger they leave.
    const fixes = await repairInRun(
      c,
      {
        ...opts,
        requests: opts.repairs ?? [],
        onRepaired: (r) => observer.onRepaired?.(r),
        ensure,
      },
      await readLedger(c, opts.ledger),
    );
    const existing = fixes.ledger;
    const needsBaseline = !!opts.baseline && (existing === null || existing.length === 0);
    const rows = needsBaseline ? [virtualBaseline(opts.baseline!)] : (existing ?? []);
    const p = plan(opts.migrations, rows, opts);
    await observer.onPlan?.(p);
    // Every refusal comes before any other write, the ledger's own tables included.
    assertSafe(p, opts, fixes.notes);
    validateMigrations(p.pending);
    // Asked under the lock: no other run can change what this plan would do before it runs.
    if (
      p.pending.length > 0 &&
      opts.approve &&
      !(await opts.approve(p, approvalDatabase(c, opts.migrations)))
    )
      return {
        plan: p,
        baselined: null,
        lockWaitMs,
        awaitingApproval: true,
        repaired: fixes.repaired,
      };
    const baselined = await prepareLedger(c, opts, { existing, needsBaseline, ensure });
    if (p.pending.length > 0 || (opts.claim && owner !== opts.claim.owner)) await ensure();
    if (opts.claim) await recordOwner(c, opts.ledger, opts.claim, owner);
    const ctx: ApplyContext = {
      client: c,
      ledger: opts.ledger,
      appliedBy: opts.appliedBy,
      outOfOrder: false,
      lockTimeoutMs: opts.lockTimeoutMs,
      statementTimeoutMs: opts.statementTimeoutMs,
      maxRetries: opts.maxRetries,
      sleep: opts.sleep,
      random: opts.random,
      signal: opts.signal,
      onRetry: (m, e: MigrationFailedError, n, d) => pending.add(observer.onRetry?.(m, e, n, d)),
      onStatement: (m, i, t) => pending.add(observer.onStatement?.(m, i, t)),
    };
    const outOfOrder = new Set(p.outOfOrder);
    for (const m of p.pending) {
      checkAborted(opts.signal);
      await observer.onStart?.(m);
      const started = performance.now();
      // The executor is loaded for the first file to run: a run with nothing to do never loads it.
      const { applyMigration } = await import('./apply.js');
      await applyMigration({ ...ctx, outOfOrder: outOfOrder.has(m) }, m).catch(
        async (err: unknown) => {
          await pending.settle().catch(() => undefined);
          throw err;
        },
      );
      await pending.settle();
      const durationMs = Math.round(performance.now() - started);
      done.push({
        version: m.version,
        name: m.name,
        checksum: m.checksum,
        durationMs,
        outOfOrder: outOfOrder.has(m),
      });
      await observer.onApplied?.(m, durationMs);
    }
    // Re-recorded only when files ran (or none is stored yet): a no-op run
    // must not absorb a hand-made change that drift should report.
    if (p.pending.length > 0 || !(await hasStoredFingerprint(c, opts.ledger))) {
      await ensure();
      await recordFingerprint(c, opts.ledger, opts.driftSchemas);
    }
    const stamp = opts.stamp ? { stamp: await ledgerStamp(c, opts.ledger) } : {};
    return { plan: p, baselined, lockWaitMs, repaired: fixes.repaired, ...stamp };
  } finally {
    session.clean = await releaseLock(c, opts.ledger).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Creates the ledger on first use and records the baseline. A schema with
 * tables but no ledger is refused unless a baseline or adoptExisting was chosen.
 */
async function prepareLedger(
  c: pg.Client,
  opts: ResolvedOptions,
  o: { existing: LedgerRow[] | null; needsBaseline: boolean; ensure: () => Promise<void> },
): Promise<string | null> {
  const { existing, needsBaseline } = o;
  if (existing !== null && !needsBaseline) return null;
  if (existing === null && !opts.baseline && !opts.adoptExisting) {
    const relations = await userRelations(c, opts.ledger);
    if (relations.length > 0) throw new ExistingSchemaError(relations);
  }
  await o.ensure();
  if (!needsBaseline) return null;
  await insertLedgerRow(c, opts.ledger, {
    ...virtualBaseline(opts.baseline!),
    startedAt: new Date(),
  });
  return opts.baseline!;
}

/** `fn` run at most once; later calls share its promise (a failure is not remembered). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= fn().catch((err: unknown) => {
      done = undefined;
      throw err;
    }));
}

function semicolons(sql: string): number {
  let n = 0;
  for (let i = sql.indexOf(';'); i >= 0; i = sql.indexOf(';', i + 1)) n++;
  return n;
}

function approvalDatabase(c: pg.Client, all: Migration[]): ApprovalDatabase {
  return {
    // Loaded only when a plan is put up for approval.
    tableSizes: async (names) => (await import('./table-size.js')).tableSizes(c, names),
    lint: async (pending) => (await import('./lint.js')).pendingFindings(c, all, pending),
  };
}
