/**
 * The controller loop: workers take keys from the work queue, call the
 * reconciler, and turn its outcome into queue calls. This is the only place
 * that maps outcomes to the queue (STYLE 2):
 *
 *   returned {}                   → forget (success)
 *   returned { requeueAfterMs }   → forget, addAfter
 *   threw                         → addRateLimited (backoff)
 *
 * There is no "terminal" outcome: a failure that retrying cannot fix (a bad
 * spec, a checksum mismatch) is a domain failure, written to status by the
 * reconciler, which then returns normally; only infrastructure failures are
 * thrown.
 *
 * Each reconcile gets its own AbortSignal, aborted when its deadline
 * (`reconcileTimeoutMs`) passes (reason a `TimeoutError`), when `cancel(key)`
 * is called for its key (the object was deleted or its spec changed; an
 * `AbortError`), or when the controller stops past its grace period.
 */
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { realClock, type Clock } from './clock.js';
import { WorkQueue } from './workqueue.js';
import type { ControllerMetrics } from './metrics.js';

/** What a reconcile asks for: nothing (done) or another look after a delay. */
export interface Result {
  requeueAfterMs?: number;
}

/** Passed to every reconcile: a logger with the key on every line, and a cancel signal. */
export interface ReconcileContext {
  log: Logger;
  /**
   * Aborted when this reconcile's deadline passes, when its key is cancelled
   * (object deleted, spec changed), or when the manager is stopping and the
   * reconcile ran past its grace. Pass it down to every wait and query.
   */
  signal: AbortSignal;
}

/** Brings the world in line with the object named by `key` (`ns/name`). */
export type Reconciler = (ctx: ReconcileContext, key: string) => Promise<Result>;

/** Options for `Controller`. */
export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** Parallel workers (controller-runtime's MaxConcurrentReconciles); default 1. */
  workers?: number;
  queue?: WorkQueue;
  logger?: Logger;
  metrics?: ControllerMetrics;
  clock?: Clock;
  /** Each reconcile's deadline; its signal is aborted then (default: none). */
  reconcileTimeoutMs?: number;
  /** Fairness for the default queue: see `WorkQueueOptions.groupOf`. */
  groupOf?: (key: string) => string;
  /** Fairness for the default queue: see `WorkQueueOptions.maxPerGroup`. */
  maxPerGroup?: number;
}

/** Outcome labels of `controller_runtime_reconcile_total`. */
export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

/** A named reconciler with its queue and workers. Nothing runs until `start`. */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconcile: Reconciler;
  private readonly workers: number;
  private readonly log: Logger;
  private readonly metrics: ControllerMetrics | undefined;
  private readonly clock: Clock;
  private readonly reconcileTimeoutMs: number | undefined;
  private readonly abort = new AbortController();
  /** The abort controller of each key's running reconcile. */
  private readonly inFlight = new Map<string, AbortController>();
  private running: Promise<void>[] = [];

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.reconcile = opts.reconcile;
    this.workers = Math.max(1, opts.workers ?? 1);
    this.clock = opts.clock ?? realClock;
    this.metrics = opts.metrics;
    this.reconcileTimeoutMs = opts.reconcileTimeoutMs;
    this.queue =
      opts.queue ??
      new WorkQueue({
        name: opts.name,
        clock: this.clock,
        metrics: opts.metrics,
        groupOf: opts.groupOf,
        maxPerGroup: opts.maxPerGroup,
      });
    this.log = (opts.logger ?? silentLogger).child({ controller: opts.name });
  }

  /** Asks for `key` to be reconciled (deduplicated by the queue). */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /**
   * Aborts the running reconcile of `key`, if there is one, saying `why`
   * (its signal's reason is an `AbortError`). Queue the key again when it
   * should be looked at afresh.
   */
  cancel(key: string, why: string): boolean {
    const running = this.inFlight.get(key);
    if (!running || running.signal.aborted) return false;
    running.abort(new DOMException(why, 'AbortError'));
    return true;
  }

  /** Starts the workers; they run until `stop`. */
  start(): void {
    if (this.running.length > 0) return;
    this.metrics?.maxConcurrentReconciles.set({ controller: this.name }, this.workers);
    this.metrics?.activeWorkers.set({ controller: this.name }, 0);
    for (let i = 0; i < this.workers; i++) this.running.push(this.worker());
  }

  /**
   * Stops taking work and waits for running reconciles to finish; after
   * `graceMs` their signal is aborted and stop returns without them.
   */
  async stop(graceMs = 30_000): Promise<void> {
    const drained = this.queue.shutDown();
    let timer: { cancel(): void } | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = this.clock.setTimer(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([drained.then(() => 'drained' as const), timedOut]);
    timer?.cancel();
    if (outcome === 'timeout') {
      this.log.warn('reconciles still running after the grace period; abandoning them', {
        graceMs,
      });
      this.abort.abort(new DOMException('the operator is stopping', 'AbortError'));
      return;
    }
    await Promise.all(this.running);
  }

  private async worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processOne(key);
    }
  }

  private async processOne(key: string): Promise<void> {
    const labels = { controller: this.name };
    const log = this.log.child({ key });
    const started = this.clock.now();
    this.metrics?.activeWorkers.inc(labels);
    const own = new AbortController();
    this.inFlight.set(key, own);
    const limit = this.reconcileTimeoutMs;
    const deadline = limit
      ? this.clock.setTimer(
          () =>
            own.abort(
              new DOMException(`the reconcile deadline of ${limit} ms passed`, 'TimeoutError'),
            ),
          limit,
        )
      : undefined;
    try {
      const signal = AbortSignal.any([this.abort.signal, own.signal]);
      const result = await this.reconcile({ log, signal }, key);
      this.record(result.requeueAfterMs ? 'requeue_after' : 'success');
      this.queue.forget(key);
      if (result.requeueAfterMs) this.queue.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      this.record('error');
      this.queue.addRateLimited(key);
      log.error('reconcile failed; will retry with backoff', {
        error: err,
        retries: this.queue.retries(key),
      });
    } finally {
      deadline?.cancel();
      this.inFlight.delete(key);
      this.metrics?.reconcileTime.observe(labels, (this.clock.now() - started) / 1000);
      this.metrics?.activeWorkers.dec(labels);
      this.queue.done(key);
    }
  }

  private record(result: ReconcileOutcome): void {
    this.metrics?.reconcileTotal.inc({ controller: this.name, result });
    if (result === 'error') this.metrics?.reconcileErrors.inc({ controller: this.name });
  }
}
