/**
 * The metrics the Kubernetes layer records, as small interfaces of its own:
 * kube says which series it writes and with which labels, and whoever owns
 * the registry (observability's `OperatorMetrics`) satisfies them by shape.
 * So kube depends on no metrics library, and a test can pass a plain object.
 */

/** Label values of one series, every label named. */
export type Labels<L extends string> = Record<L, string>;

/** A counter: only ever goes up. */
export interface CounterLike<L extends string> {
  inc(labels: Labels<L>, value?: number): void;
}

/** A gauge: set, or moved up and down. */
export interface GaugeLike<L extends string> {
  set(labels: Labels<L>, value: number): void;
  inc(labels: Labels<L>, value?: number): void;
  dec(labels: Labels<L>, value?: number): void;
}

/** A histogram: one observation at a time (seconds, for durations). */
export interface HistogramLike<L extends string> {
  observe(labels: Labels<L>, value: number): void;
}

/** Gauges of one work queue that are computed when scraped, not pushed. */
export interface QueueProbe {
  /** Seconds of work in progress that has not finished, summed. */
  unfinishedWorkSeconds(): number;
  /** Seconds the longest-running item has been processed. */
  longestRunningSeconds(): number;
}

/** What a `WorkQueue` records (client-go's workqueue metric names). */
export interface QueueMetrics {
  readonly queueDepth: GaugeLike<'name' | 'controller'>;
  readonly queueAdds: CounterLike<'name' | 'controller'>;
  readonly queueRetries: CounterLike<'name' | 'controller'>;
  readonly queueLatency: HistogramLike<'name' | 'controller'>;
  readonly workDuration: HistogramLike<'name' | 'controller'>;
  /** Registers the queue's scrape-time gauges under its name; replaces an earlier one. */
  registerQueue(name: string, probe: QueueProbe): void;
}

/** What a `Controller` records, beside its queue's metrics (controller-runtime's names). */
export interface ControllerMetrics extends QueueMetrics {
  readonly reconcileTotal: CounterLike<'controller' | 'result'>;
  readonly reconcileErrors: CounterLike<'controller'>;
  readonly reconcileTime: HistogramLike<'controller'>;
  readonly maxConcurrentReconciles: GaugeLike<'controller'>;
  readonly activeWorkers: GaugeLike<'controller'>;
}

/** What an `Informer` records: watchdog restarts and re-lists by cause. */
export interface InformerMetrics {
  readonly watchdogRestarts: CounterLike<'resource'>;
  readonly informerRelists: CounterLike<'resource' | 'cause'>;
}

/** What a `LeaderElector` records: 1 while leading, else 0. */
export interface LeaderMetrics {
  readonly leaderStatus: GaugeLike<'name'>;
}

/** What the `Manager` serves on `/metrics`: the registry in the text exposition format. */
export interface MetricsExposition {
  exposition(): Promise<{ contentType: string; body: string }>;
}

/** Every metric of the Kubernetes layer; `OperatorMetrics` satisfies it. */
export interface KubeMetrics
  extends ControllerMetrics, InformerMetrics, LeaderMetrics, MetricsExposition {}
