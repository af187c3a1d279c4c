/**
 * Benchmark (issue 17): the orgs benchmark with a default OrganizationClass
 * asking for all four kinds, Pod Security and two RoleBindings. Measured:
 * time until every org is Ready with its policy applied, API writes per org
 * by kind, writes during a forced re-list with nothing changed, and the time
 * a class change takes to reach every org (the class's
 * status.organizations.applied back at the total).
 */
import type { Unstructured } from '../../src/kube/index.js';
import { organizationClasses, organizations } from '../../src/controllers/resources.js';
import { withDatabase, type BenchContext } from './context.js';
import { withBenchCluster, type BenchCluster } from './harness.js';
import { forcedRelist, peakRssMb, seed, spawnOperator, sum, writes } from './orgs.js';
import { isReady, until } from '../support/poll.js';
import { builds, sideBySide, type Build } from './baseline.js';
import { markdownTable } from './table.js';

const COUNT = Number(process.env.BENCH_ORGS ?? 2000);
const CONCURRENCY = 64;

type Obj = Unstructured & {
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    classGeneration?: number;
    organizations?: { total: number; applied: number };
  };
};

function classSpec(pods: string): Record<string, unknown> {
  return {
    podSecurity: 'baseline',
    resourceQuota: { hard: { pods, 'requests.memory': '16Gi' } },
    limitRange: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' } }] },
    networkIsolation: { mode: 'Organization', allowFromNamespaces: ['streamspace'] },
    roleBindings: [
      {
        name: 'streamspace-controller',
        clusterRole: 'edit',
        subjects: [
          { kind: 'ServiceAccount', name: 'streamspace-controller', namespace: 'streamspace' },
        ],
      },
      {
        name: 'org-admins',
        clusterRole: 'view',
        subjects: [{ kind: 'Group', name: 'org:${organization}:admins' }],
      },
    ],
  };
}

const policyApplied = (o: Obj, generation?: number) =>
  o.status?.conditions?.some((c) => c.type === 'PolicyApplied' && c.status === 'True') === true &&
  (generation === undefined || o.status.classGeneration === generation);

/** Runs the benchmark (once per build: `BENCH_BASELINE`, baseline.ts) and returns its table. */
export async function orgsClassBenchmark(ctx: BenchContext): Promise<string> {
  const runs: string[][][] = [];
  for (const build of builds()) runs.push(await orgsClassRun(ctx, build));
  return runs.length === 2
    ? sideBySide(runs[0]!, runs[1]!)
    : markdownTable(['measure', 'value', 'goal'], runs[0]!);
}

/** One run of the benchmark with the operator of `build`: the table's rows. */
async function orgsClassRun(ctx: BenchContext, build: Build): Promise<string[][]> {
  return withDatabase(ctx, 'orgs_class', (db) =>
    withBenchCluster(ctx, { name: 'orgs-class' }, async (cluster) => {
      await seed(cluster, ctx.server.url(db));
      await cluster.client.resource<Obj>(organizationClasses).create({
        apiVersion: 'schema.streamspace.io/v1alpha1',
        kind: 'OrganizationClass',
        metadata: {
          name: 'standard',
          annotations: { 'schema.streamspace.io/is-default-class': 'true' },
        },
        spec: classSpec('20'),
      } as Obj);
      const operator = spawnOperator(
        cluster.kubeconfigPath,
        undefined,
        ['--bindable-cluster-roles', 'edit,view'],
        build.cli,
      );
      try {
        const applied = await applyOrgs(cluster);
        const relist = await forcedRelist(cluster);
        const change = await classChange(cluster);
        const rss = peakRssMb(operator.pid);
        console.error(
          `orgs-class [${build.name}]: ${JSON.stringify({ ...applied, ...relist, ...change, rss })}`,
        );
        return rows(applied, relist, change, rss);
      } catch (err) {
        console.error(`orgs-class: operator stderr tail:\n${operator.stderrTail()}`);
        throw err;
      } finally {
        await operator.stop();
      }
    }),
  );
}

async function applyOrgs({ client, dc }: BenchCluster) {
  const smigs = client.resource<Obj>({
    group: 'schema.streamspace.io',
    version: 'v1alpha1',
    plural: 'schemamigrations',
    namespaced: true,
  });
  await until(
    'the SchemaMigration Ready',
    120_000,
    async () => isReady(await smigs.find({ namespace: 'streamspace', name: 'streamspace-api' })),
    100,
  );
  const orgs = client.resource<Obj>(organizations);
  dc.faults.reset();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < COUNT; i = next++)
        await orgs.create({
          apiVersion: 'schema.streamspace.io/v1alpha1',
          kind: 'Organization',
          metadata: { name: `org-${i}` },
          spec: { displayName: `Organization ${i}`, namespace: `org-${i}` },
        } as Obj);
    }),
  );
  const appliedMs = performance.now() - started;
  await until(
    `${COUNT} orgs Ready with their policy`,
    600_000,
    async () =>
      (await orgs.list()).items.filter((o) => isReady(o) && policyApplied(o)).length === COUNT,
    250,
  );
  const readyMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 2000));
  const byOperator = writes(dc.faults.counts());
  delete byOperator['create organizations'];
  return { appliedMs, readyMs, byOperator };
}

/** Changes the class's quota; the time until every org has the new generation applied. */
async function classChange({ client, dc }: BenchCluster) {
  const classes = client.resource<Obj>(organizationClasses);
  const orgs = client.resource<Obj>(organizations);
  dc.faults.reset();
  const started = performance.now();
  const changed = await classes.mergePatch({ name: 'standard' }, { spec: classSpec('30') });
  const generation = changed.metadata.generation;
  await until(
    `${COUNT} orgs at the class's generation ${generation}`,
    600_000,
    async () =>
      (await orgs.list()).items.filter((o) => policyApplied(o, generation)).length === COUNT,
    250,
  );
  const changeMs = performance.now() - started;
  await until(
    'the class counting every org applied',
    60_000,
    async () => {
      const c = await classes.find({ name: 'standard' });
      return c?.status?.organizations?.applied === COUNT;
    },
    250,
  );
  const classStatusMs = performance.now() - started;
  const changeWrites = writes(dc.faults.counts());
  return { changeMs, classStatusMs, changeWrites };
}

function rows(
  {
    appliedMs,
    readyMs,
    byOperator,
  }: { appliedMs: number; readyMs: number; byOperator: Record<string, number> },
  { relists, relistWrites }: { relists: number; relistWrites: number },
  {
    changeMs,
    classStatusMs,
    changeWrites,
  }: { changeMs: number; classStatusMs: number; changeWrites: Record<string, number> },
  rss: number,
): string[][] {
  const perOrg = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort()
      .map(([k, n]) => [`  ${k}`, (n / COUNT).toFixed(2), '']);
  return [
    ['organizations applied (own namespace each, default class)', String(COUNT), ''],
    ['all created (client side)', `${(appliedMs / 1000).toFixed(1)} s`, ''],
    ['all Ready with the policy applied', `${(readyMs / 1000).toFixed(1)} s`, ''],
    ['API writes per org, Events included', (sum(byOperator) / COUNT).toFixed(2), ''],
    ...perOrg(byOperator),
    ['lists during the forced re-list', String(relists), ''],
    ['API writes during the forced re-list', String(relistWrites), '0'],
    ['class change (quota) applied in every org', `${(changeMs / 1000).toFixed(1)} s`, ''],
    ['  the class status counting them all', `${(classStatusMs / 1000).toFixed(1)} s`, ''],
    ['API writes per org for the class change', (sum(changeWrites) / COUNT).toFixed(2), ''],
    ...perOrg(changeWrites),
    ['operator peak RSS (VmHWM)', `${rss.toFixed(0)} MB`, ''],
  ];
}
