/**
 * Lease-based leader election, after client-go's leaderelection: try to
 * acquire every retry period; once leading, renew every retry period; if no
 * renewal succeeds within the renew deadline, leadership is lost and the
 * caller is told (the manager then exits so the pod restarts, as
 * controller-runtime does). Expiry of another holder's lease is judged by
 * our own clock from when we last saw the record change, never by comparing
 * clocks across machines.
 */
import { hostname } from 'node:os';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { realClock, type Clock } from './clock.js';
import type { LeaseRecord, LeaseStore, VersionedLease } from './lease-store.js';
import type { LeaderMetrics } from './metrics.js';

/** Options for `LeaderElector`. */
export interface LeaderElectionOptions {
  store: LeaseStore;
  /** Who we are: default `POD_NAME`, else `hostname_pid`. */
  identity?: string;
  /** How long a lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before giving up (default 10 s). */
  renewDeadlineMs?: number;
  /** Interval between attempts (default 2 s). */
  retryPeriodMs?: number;
  clock?: Clock;
  logger?: Logger;
  metrics?: LeaderMetrics;
}

/** What the elector calls. */
export interface LeaderCallbacks {
  /** Called once we lead; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called when we led and lost the lease (not on a graceful release). */
  onStoppedLeading(): void;
  /** Called when the observed leader changes (including to us). */
  onNewLeader?(identity: string): void;
}

/** The identity to hold a lease under: the pod name, else `hostname_pid`. */
export function defaultIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return env.POD_NAME || `${hostname()}_${process.pid}`;
}

/** One candidate for one lease. No I/O until `run`. */
export class LeaderElector {
  readonly identity: string;
  private readonly store: LeaseStore;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly metrics: LeaderMetrics | undefined;
  private observed: VersionedLease | undefined;
  private observedAt = 0;
  private leading = false;
  private readonly stopping = new AbortController();
  private leadership: AbortController | undefined;
  private running: Promise<void> | undefined;
  private reportedLeader = '';

  constructor(opts: LeaderElectionOptions) {
    this.store = opts.store;
    this.identity = opts.identity ?? defaultIdentity();
    this.leaseMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryMs = opts.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseMs)
      throw new RangeError('the renew deadline must be shorter than the lease duration');
    this.clock = opts.clock ?? realClock;
    this.log = (opts.logger ?? silentLogger).child({
      lease: this.store.description,
      identity: this.identity,
    });
    this.metrics = opts.metrics;
  }

  /** True while we hold the lease. */
  isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background; resolves the returned promise when it ends. */
  run(callbacks: LeaderCallbacks): Promise<void> {
    this.running ??= this.loop(callbacks);
    return this.running;
  }

  /** Stops campaigning; if leading, releases the lease so a follower takes over at once. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async loop(cb: LeaderCallbacks): Promise<void> {
    this.setStatus(false);
    while (!this.stopping.signal.aborted) {
      if (await this.tryAcquireOrRenew(cb)) break;
      await this.clock.sleep(this.jittered(this.retryMs), this.stopping.signal);
    }
    if (this.stopping.signal.aborted) return;
    this.leading = true;
    this.setStatus(true);
    this.leadership = new AbortController();
    this.log.info('became leader');
    cb.onStartedLeading(this.leadership.signal);
    let lastRenew = this.clock.now();
    while (!this.stopping.signal.aborted) {
      await this.clock.sleep(this.retryMs, this.stopping.signal);
      if (this.stopping.signal.aborted) break;
      if (await this.tryAcquireOrRenew(cb)) {
        lastRenew = this.clock.now();
        continue;
      }
      if (this.clock.now() - lastRenew >= this.renewDeadlineMs) {
        this.log.error('failed to renew the lease within the renew deadline; leadership lost');
        this.lose();
        cb.onStoppedLeading();
        return;
      }
    }
    await this.release();
    this.lose();
  }

  private lose(): void {
    this.leading = false;
    this.setStatus(false);
    this.leadership?.abort();
  }

  /** One round: true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(cb: LeaderCallbacks): Promise<boolean> {
    const now = this.clock.now();
    const mine = (acquireTime: number, transitions: number): LeaseRecord => ({
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.leaseMs / 1000),
      acquireTime,
      renewTime: now,
      leaseTransitions: transitions,
    });
    try {
      const current = await this.store.get();
      if (!current) {
        this.remember(await this.store.create(mine(now, 0)), cb);
        return true;
      }
      this.remember(current, cb);
      const r = current.record;
      const heldByOther = r.holderIdentity !== '' && r.holderIdentity !== this.identity;
      const expiresAt = this.observedAt + r.leaseDurationSeconds * 1000;
      if (heldByOther && expiresAt > now) return false;
      const next =
        r.holderIdentity === this.identity
          ? mine(r.acquireTime || now, r.leaseTransitions)
          : mine(now, r.leaseTransitions + 1);
      this.remember(await this.store.update(next, current.resourceVersion), cb);
      return true;
    } catch (err) {
      // A conflict means another candidate wrote first: we simply lost this round.
      this.log.debug('lease attempt failed', { error: err });
      return false;
    }
  }

  private remember(lease: VersionedLease, cb: LeaderCallbacks): void {
    const changed =
      !this.observed ||
      this.observed.resourceVersion !== lease.resourceVersion ||
      this.observed.record.holderIdentity !== lease.record.holderIdentity;
    if (changed) {
      this.observed = lease;
      this.observedAt = this.clock.now();
    }
    const holder = lease.record.holderIdentity;
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      cb.onNewLeader?.(holder);
    }
  }

  /** Clears the holder so a follower need not wait for expiry; best effort. */
  private async release(): Promise<void> {
    const current = this.observed;
    if (!this.leading || !current || current.record.holderIdentity !== this.identity) return;
    try {
      const now = this.clock.now();
      await this.store.update(
        {
          ...current.record,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          renewTime: now,
          acquireTime: now,
        },
        current.resourceVersion,
      );
      this.log.info('released the lease');
    } catch (err) {
      this.log.warn('could not release the lease; followers take over when it expires', {
        error: err,
      });
    }
  }

  private jittered(ms: number): number {
    return ms * (1 + 0.2 * Math.random());
  }

  private setStatus(leading: boolean): void {
    this.metrics?.leaderStatus.set({ name: this.store.description }, leading ? 1 : 0);
  }
}
