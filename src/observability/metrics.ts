/**
 * The operator's one Prometheus registry: controller-runtime's metric names
 * (so existing dashboards and alerts work), the work queue's, leader
 * election's, the informer watchdog's, and the migration metrics the
 * controllers fill in. Create one `OperatorMetrics` per process (tests make
 * their own) and pass it down.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Gauges computed at scrape time from one work queue. */
export interface QueueProbe {
  /** Seconds of work in progress that has not finished, summed. */
  unfinishedWorkSeconds(): number;
  /** Seconds the longest-running item has been processed. */
  longestRunningSeconds(): number;
}

/** Options for `OperatorMetrics`. */
export interface MetricsOptions {
  /** Also collect prom-client's default process metrics (default true). */
  processMetrics?: boolean;
}

// controller-runtime's reconcile-time buckets, 5 ms to 60 s.
const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9,
  1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// client-go's work queue buckets: 10^-8 to 10^1 seconds.
const queueBuckets = Array.from({ length: 10 }, (_, i) => 10 ** (i - 8));

/** Every metric the operator exports, on its own registry. */
export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly probes = new Map<string, QueueProbe>();

  readonly reconcileTotal = this.counter(
    'controller_runtime_reconcile_total',
    'Total number of reconciliations per controller',
    ['controller', 'result'],
  );
  readonly reconcileErrors = this.counter(
    'controller_runtime_reconcile_errors_total',
    'Total number of reconciliation errors per controller',
    ['controller'],
  );
  readonly terminalReconcileErrors = this.counter(
    'controller_runtime_terminal_reconcile_errors_total',
    'Total number of terminal reconciliation errors per controller',
    ['controller'],
  );
  readonly reconcileTime = this.histogram(
    'controller_runtime_reconcile_time_seconds',
    'Length of time per reconciliation per controller',
    ['controller'],
    reconcileBuckets,
  );
  readonly maxConcurrentReconciles = this.gauge(
    'controller_runtime_max_concurrent_reconciles',
    'Maximum number of concurrent reconciles per controller',
    ['controller'],
  );
  readonly activeWorkers = this.gauge(
    'controller_runtime_active_workers',
    'Number of currently used workers per controller',
    ['controller'],
  );

  readonly queueDepth = this.gauge('workqueue_depth', 'Current depth of workqueue', [
    'name',
    'controller',
  ]);
  readonly queueAdds = this.counter(
    'workqueue_adds_total',
    'Total number of adds handled by workqueue',
    ['name', 'controller'],
  );
  readonly queueLatency = this.histogram(
    'workqueue_queue_duration_seconds',
    'How long in seconds an item stays in workqueue before being requested',
    ['name', 'controller'],
    queueBuckets,
  );
  readonly workDuration = this.histogram(
    'workqueue_work_duration_seconds',
    'How long in seconds processing an item from workqueue takes',
    ['name', 'controller'],
    queueBuckets,
  );
  readonly queueRetries = this.counter(
    'workqueue_retries_total',
    'Total number of retries handled by workqueue',
    ['name', 'controller'],
  );
  readonly unfinishedWork = this.scrapeGauge(
    'workqueue_unfinished_work_seconds',
    'How many seconds of work has been done that is in progress and has not been observed by work_duration',
    ['name', 'controller'],
    () => this.collectProbes('unfinished'),
  );
  readonly longestRunning = this.scrapeGauge(
    'workqueue_longest_running_processor_seconds',
    'How many seconds has the longest running processor for workqueue been running',
    ['name', 'controller'],
    () => this.collectProbes('longest'),
  );

  readonly leaderStatus = this.gauge(
    'leader_election_master_status',
    'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    ['name'],
  );
  readonly watchdogRestarts = this.counter(
    'schema_operator_informer_watchdog_restarts_total',
    'Watches restarted because no event or bookmark arrived in time',
    ['resource'],
  );
  readonly informerRelists = this.counter(
    'schema_operator_informer_relists_total',
    'Full re-lists by informers, by cause',
    ['resource', 'cause'],
  );

  readonly migrationsApplied = this.counter(
    'schema_operator_migrations_applied_total',
    'Migrations applied',
    ['namespace', 'name'],
  );
  readonly migrationDuration = this.histogram(
    'schema_operator_migration_duration_seconds',
    'Time to apply one migration',
    ['namespace', 'name'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
  );
  readonly pendingMigrations = this.gauge(
    'schema_operator_pending_migrations',
    'Migrations found but not yet applied',
    ['namespace', 'name'],
  );
  readonly schemaDrift = this.gauge(
    'schema_operator_schema_drift',
    'Whether the live schema differs from the fingerprint recorded after the last run (1 drifted, 0 clean)',
    ['namespace', 'name'],
  );
  readonly contractWaiting = this.gauge(
    'schema_operator_contract_waiting',
    'Held migrations of a contract migration waiting for pods that need an older schema (0 when none waits)',
    ['namespace', 'name'],
  );
  readonly contractBlockingPods = this.gauge(
    'schema_operator_contract_blocking_pods',
    'Pods that keep a contract migration waiting',
    ['namespace', 'name'],
  );
  readonly lockWait = this.histogram(
    'schema_operator_lock_wait_seconds',
    'Time spent waiting for the migration advisory lock',
    ['namespace', 'name'],
    [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
  );
  readonly migrationFailures = this.counter(
    'schema_operator_migration_failures_total',
    'Failed migration runs by reason',
    ['namespace', 'name', 'reason'],
  );

  private orgPhases: (() => Map<string, number>) | undefined;
  readonly organizations = this.scrapeGauge(
    'schema_operator_organizations',
    'Organizations in the informer cache by status.phase (Unknown before the first status)',
    ['phase'],
    () => this.collectOrgPhases(),
  );
  readonly organizationRows = this.counter(
    'schema_operator_organization_row_writes_total',
    'Organization rows by outcome: written, unchanged, name-conflict, row-conflict, marked-deleted, deleted, not-created, delete-blocked',
    ['outcome'],
  );
  readonly organizationNamespaceOps = this.counter(
    'schema_operator_organization_namespace_operations_total',
    'Namespace writes by the Organization controller: create, patch, delete',
    ['operation'],
  );
  readonly organizationPolicyWrites = this.counter(
    'schema_operator_organization_policy_writes_total',
    "Writes of an OrganizationClass's objects in organization namespaces, by kind and operation: create, update, delete",
    ['kind', 'operation'],
  );
  readonly organizationPolicyRepairs = this.counter(
    'schema_operator_organization_policy_repairs_total',
    'Objects of an OrganizationClass put back after someone else changed or deleted them, by kind',
    ['kind'],
  );

  constructor(opts: MetricsOptions = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Registers a queue's scrape-time gauges under its name; replaces an earlier one. */
  registerQueue(name: string, probe: QueueProbe): void {
    this.probes.set(name, probe);
  }

  /** Sets where `schema_operator_organizations` counts phases at scrape time. */
  registerOrganizationPhases(count: () => Map<string, number>): void {
    this.orgPhases = count;
  }

  /** The text exposition format, for `/metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private collectOrgPhases(): void {
    if (!this.orgPhases) return;
    this.organizations.reset();
    for (const [phase, n] of this.orgPhases()) this.organizations.set({ phase }, n);
  }

  private collectProbes(which: 'unfinished' | 'longest'): void {
    const gauge = which === 'unfinished' ? this.unfinishedWork : this.longestRunning;
    for (const [name, probe] of this.probes) {
      const v =
        which === 'unfinished' ? probe.unfinishedWorkSeconds() : probe.longestRunningSeconds();
      gauge.set({ name, controller: name }, v);
    }
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  // A gauge whose values `collect` fills in each time it is scraped.
  private scrapeGauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    collect: () => void,
  ) {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry], collect });
  }

  private histogram<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    buckets: number[],
  ) {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
