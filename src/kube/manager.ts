/**
 * Runs the pieces together, as controller-runtime's manager does: informers
 * and the health server start at once (so a standby has a warm cache and
 * answers probes); controllers start only once this replica leads (or at
 * once without leader election). On SIGTERM/SIGINT it stops gracefully:
 * controllers stop taking work and running reconciles get `shutdownGraceMs`
 * to finish, then the lease is released, watches closed and the server shut.
 * Losing the lease ends `run` with 'lost-leadership': the caller exits so
 * the pod restarts clean, since reconciles may still be in flight.
 */
import type { HealthServer } from '../observability/health-server.js';
import { startHealthServer } from '../observability/health-server.js';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import type { Controller } from './controller.js';
import type { LeaderElector } from './leader-election.js';
import type { MetricsExposition } from './metrics.js';

/** Something that can be started and stopped, and reports whether its cache is synced. */
export interface ManagedInformer {
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  waitForSync(): Promise<void>;
}

/** Where shutdown signals come from; `process` by default, an EventEmitter in tests. */
export interface SignalSource {
  once(signal: 'SIGTERM' | 'SIGINT', fn: () => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', fn: () => void): unknown;
}

/** Why `run` ended. */
export type StopCause = 'signal' | 'stopped' | 'lost-leadership';

/** Options for `Manager`. */
export interface ManagerOptions {
  logger?: Logger;
  metrics?: MetricsExposition;
  /** Health/metrics bind address (`:8080`); no server when omitted. */
  healthBindAddress?: string;
  /** Campaign for this lease before starting controllers; none = always lead. */
  leaderElector?: LeaderElector;
  /** How long running reconciles may take to finish on shutdown (default 30 s). */
  shutdownGraceMs?: number;
  signals?: SignalSource;
}

/** Holds informers and controllers and runs them. No I/O until `run`. */
export class Manager {
  private readonly informers: ManagedInformer[] = [];
  private readonly controllers: Controller[] = [];
  private readonly log: Logger;
  private server: HealthServer | undefined;
  private finish: ((cause: StopCause) => void) | undefined;
  private electionFailed = false;
  private controllersStarted = false;

  constructor(private readonly opts: ManagerOptions = {}) {
    this.log = opts.logger ?? silentLogger;
  }

  /** Adds an informer; it starts with the manager. */
  addInformer(informer: ManagedInformer): void {
    this.informers.push(informer);
  }

  /** Adds a controller; it starts when this replica leads. */
  addController(controller: Controller): void {
    this.controllers.push(controller);
  }

  /** The health server's URL once running. */
  get healthUrl(): string | undefined {
    return this.server?.url;
  }

  /** Ready: every informer synced, and leader election (if any) still campaigning or leading. */
  isReady(): boolean {
    return this.informers.every((i) => i.hasSynced()) && !this.electionFailed;
  }

  /** Runs until a signal, `stop`, or loss of leadership; always cleans up before resolving. */
  async run(): Promise<StopCause> {
    const signals = this.opts.signals ?? process;
    const ended = new Promise<StopCause>((resolve) => (this.finish = resolve));
    const onSignal = () => {
      this.log.info('shutdown signal received; stopping gracefully');
      this.finish?.('signal');
    };
    signals.once('SIGTERM', onSignal);
    signals.once('SIGINT', onSignal);
    try {
      if (this.opts.healthBindAddress)
        this.server = await startHealthServer({
          bindAddress: this.opts.healthBindAddress,
          metrics: this.opts.metrics,
          readiness: [
            { name: 'informers-synced', check: () => this.informers.every((i) => i.hasSynced()) },
            { name: 'leader-election', check: () => !this.electionFailed },
          ],
        });
      for (const i of this.informers) i.start();
      const elector = this.opts.leaderElector;
      if (!elector) void this.startControllers();
      else
        void elector.run({
          onStartedLeading: () => void this.startControllers(),
          onStoppedLeading: () => {
            this.electionFailed = true;
            this.log.error('lost leadership; stopping so the pod restarts');
            this.finish?.('lost-leadership');
          },
          onNewLeader: (id) => this.log.info('leader observed', { leader: id }),
        });
      return await ended;
    } finally {
      signals.off('SIGTERM', onSignal);
      signals.off('SIGINT', onSignal);
      await this.shutdown();
    }
  }

  /** Asks a running manager to stop (as a signal would). */
  stop(): void {
    this.finish?.('stopped');
  }

  private async startControllers(): Promise<void> {
    // Reconciling from a half-filled cache would act on missing objects.
    await Promise.all(this.informers.map((i) => i.waitForSync()));
    if (this.controllersStarted) return;
    this.controllersStarted = true;
    for (const c of this.controllers) c.start();
    this.log.info('controllers started', { controllers: this.controllers.map((c) => c.name) });
  }

  private async shutdown(): Promise<void> {
    const grace = this.opts.shutdownGraceMs ?? 30_000;
    await Promise.all(this.controllers.map((c) => c.stop(grace)));
    await this.opts.leaderElector?.stop();
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.server?.close();
    this.server = undefined;
    this.log.info('stopped');
  }
}
