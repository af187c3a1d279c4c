import { expect } from 'chai';
import { OperatorMetrics } from '../../../src/observability/metrics.js';

type Shape = [name: string, type: string, labels: string[], help: string, buckets?: number[]];

// controller-runtime's reconcile-time buckets, written out so a change to the
// source's list shows here.
const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
  1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// client-go's work queue buckets, 10^-8 to 10^1 seconds.
const queueBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
const ctl = ['controller'];
const queue = ['name', 'controller'];
const migration = ['namespace', 'name'];

// Dashboards and alerts key on these names, types, labels and buckets: every
// one is pinned, in registration order.
const shapes: Shape[] = [
  [
    'controller_runtime_reconcile_total',
    'counter',
    ['controller', 'result'],
    'Total number of reconciliations per controller',
  ],
  [
    'controller_runtime_reconcile_errors_total',
    'counter',
    ctl,
    'Total number of reconciliation errors per controller',
  ],
  [
    'controller_runtime_terminal_reconcile_errors_total',
    'counter',
    ctl,
    'Total number of terminal reconciliation errors per controller',
  ],
  [
    'controller_runtime_reconcile_time_seconds',
    'histogram',
    ctl,
    'Length of time per reconciliation per controller',
    reconcileBuckets,
  ],
  [
    'controller_runtime_max_concurrent_reconciles',
    'gauge',
    ctl,
    'Maximum number of concurrent reconciles per controller',
  ],
  [
    'controller_runtime_active_workers',
    'gauge',
    ctl,
    'Number of currently used workers per controller',
  ],
  ['workqueue_depth', 'gauge', queue, 'Current depth of workqueue'],
  ['workqueue_adds_total', 'counter', queue, 'Total number of adds handled by workqueue'],
  [
    'workqueue_queue_duration_seconds',
    'histogram',
    queue,
    'How long in seconds an item stays in workqueue before being requested',
    queueBuckets,
  ],
  [
    'workqueue_work_duration_seconds',
    'histogram',
    queue,
    'How long in seconds processing an item from workqueue takes',
    queueBuckets,
  ],
  ['workqueue_retries_total', 'counter', queue, 'Total number of retries handled by workqueue'],
  [
    'workqueue_unfinished_work_seconds',
    'gauge',
    queue,
    'How many seconds of work has been done that is in progress and has not been observed by work_duration',
  ],
  [
    'workqueue_longest_running_processor_seconds',
    'gauge',
    queue,
    'How many seconds has the longest running processor for workqueue been running',
  ],
  [
    'leader_election_master_status',
    'gauge',
    ['name'],
    'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
  ],
  [
    'schema_operator_informer_watchdog_restarts_total',
    'counter',
    ['resource'],
    'Watches restarted because no event or bookmark arrived in time',
  ],
  [
    'schema_operator_informer_relists_total',
    'counter',
    ['resource', 'cause'],
    'Full re-lists by informers, by cause',
  ],
  ['schema_operator_migrations_applied_total', 'counter', migration, 'Migrations applied'],
  [
    'schema_operator_migration_duration_seconds',
    'histogram',
    migration,
    'Time to apply one migration',
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
  ],
  [
    'schema_operator_pending_migrations',
    'gauge',
    migration,
    'Migrations found but not yet applied',
  ],
  [
    'schema_operator_schema_drift',
    'gauge',
    migration,
    'Whether the live schema differs from the fingerprint recorded after the last run (1 drifted, 0 clean)',
  ],
  [
    'schema_operator_contract_waiting',
    'gauge',
    migration,
    'Held migrations of a contract migration waiting for pods that need an older schema (0 when none waits)',
  ],
  [
    'schema_operator_contract_blocking_pods',
    'gauge',
    migration,
    'Pods that keep a contract migration waiting',
  ],
  [
    'schema_operator_lock_wait_seconds',
    'histogram',
    migration,
    'Time spent waiting for the migration advisory lock',
    [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
  ],
  [
    'schema_operator_migration_failures_total',
    'counter',
    [...migration, 'reason'],
    'Failed migration runs by reason',
  ],
  [
    'schema_operator_organizations',
    'gauge',
    ['phase'],
    'Organizations in the informer cache by status.phase (Unknown before the first status)',
  ],
  [
    'schema_operator_organization_row_writes_total',
    'counter',
    ['outcome'],
    'Organization rows by outcome: written, unchanged, name-conflict, row-conflict, marked-deleted, deleted, not-created, delete-blocked',
  ],
  [
    'schema_operator_organization_namespace_operations_total',
    'counter',
    ['operation'],
    'Namespace writes by the Organization controller: create, patch, delete',
  ],
  [
    'schema_operator_organization_policy_writes_total',
    'counter',
    ['kind', 'operation'],
    "Writes of an OrganizationClass's objects in organization namespaces, by kind and operation: create, update, delete",
  ],
  [
    'schema_operator_organization_policy_repairs_total',
    'counter',
    ['kind'],
    'Objects of an OrganizationClass put back after someone else changed or deleted them, by kind',
  ],
];

/** The registered metric objects carry their labels and buckets; `get()` has the type. */
interface Registered {
  name: string;
  help: string;
  labelNames?: string[];
  buckets?: number[];
  get(): Promise<{ type: unknown }>;
}

async function shapesOf(m: OperatorMetrics): Promise<Shape[]> {
  const out: Shape[] = [];
  for (const x of m.registry.getMetricsAsArray() as unknown as Registered[]) {
    const { type } = await x.get();
    const shape: Shape = [x.name, String(type), x.labelNames ?? [], x.help];
    // Buckets computed as 10 ** n come out a hair under the decimal power or
    // on it depending on how V8 compiled the loop, so compare 12 digits.
    if (x.buckets) shape.push(x.buckets.map((b) => Number(b.toPrecision(12))));
    out.push(shape);
  }
  return out;
}

describe('operator metrics', () => {
  it('registers every metric with its name, type, labels, help and buckets unchanged', async () => {
    expect(await shapesOf(new OperatorMetrics({ processMetrics: false }))).to.deep.equal(shapes);
  });

  it('adds the process metrics only when asked to', async () => {
    const names = (m: OperatorMetrics) => m.registry.getMetricsAsArray().map((x) => x.name);
    expect(names(new OperatorMetrics())).to.include('process_cpu_seconds_total');
    expect(names(new OperatorMetrics({ processMetrics: false }))).to.have.length(shapes.length);
  });

  it('fills the queue gauges from each registered probe at scrape time', async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    m.registerQueue('orgs', { unfinishedWorkSeconds: () => 1.5, longestRunningSeconds: () => 0.5 });
    m.registerQueue('gate', { unfinishedWorkSeconds: () => 2, longestRunningSeconds: () => 3 });
    const { body } = await m.exposition();
    expect(body).to.contain('workqueue_unfinished_work_seconds{name="orgs",controller="orgs"} 1.5');
    expect(body).to.contain('workqueue_unfinished_work_seconds{name="gate",controller="gate"} 2');
    expect(body).to.contain(
      'workqueue_longest_running_processor_seconds{name="orgs",controller="orgs"} 0.5',
    );
    expect(body).to.contain(
      'workqueue_longest_running_processor_seconds{name="gate",controller="gate"} 3',
    );
  });

  it('counts organizations by phase at scrape time, dropping phases that emptied', async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    let phases = new Map([
      ['Ready', 2],
      ['Pending', 1],
    ]);
    m.registerOrganizationPhases(() => phases);
    let { body } = await m.exposition();
    expect(body).to.contain('schema_operator_organizations{phase="Ready"} 2');
    expect(body).to.contain('schema_operator_organizations{phase="Pending"} 1');
    phases = new Map([['Ready', 3]]);
    ({ body } = await m.exposition());
    expect(body).to.contain('schema_operator_organizations{phase="Ready"} 3');
    expect(body).not.to.contain('phase="Pending"');
  });

  it('serves the text exposition with the registry content type', async () => {
    const m = new OperatorMetrics({ processMetrics: false });
    m.reconcileTime.observe({ controller: 'organization' }, 0.02);
    const { contentType, body } = await m.exposition();
    expect(contentType).to.match(/^text\/plain/);
    expect(body).to.contain('# TYPE controller_runtime_reconcile_time_seconds histogram');
    expect(body).to.contain(
      'controller_runtime_reconcile_time_seconds_bucket{le="0.025",controller="organization"} 1',
    );
  });
});
