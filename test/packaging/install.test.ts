/**
 * The Helm chart installed the way users install it and run the way its
 * Deployment runs it: `helm template` output applied with the real
 * `kubectl apply -f` into a devcluster, the stored Deployment turned into a
 * process (the image's ENTRYPOINT from the Dockerfile, the container's args
 * and env, the downward API, `$(VAR)` expansion: test/packaging/pod.ts), and
 * that operator reconciling examples/streamspace-schemamigration.yaml to
 * Ready against PostgreSQL 18, then the Organizations of
 * examples/organizations.yaml.
 *
 * What a real cluster would do and this one does not: the devcluster rolls
 * the Deployment out to pods, but no container runs in them (so the test
 * runs the process itself), and RBAC is stored, not enforced. The chart's ValidatingAdmissionPolicy is enforced: the operator
 * authenticates as the release's ServiceAccount (a devcluster user of that
 * username, its own kubeconfig), so it runs under the policy. The schemas
 * of every object are checked by schemas.test.ts. Two things are adapted to
 * run outside a pod: `--kubeconfig` is added and the bind address's port is
 * 0 on 127.0.0.1.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubeconfigFile, useDevCluster } from '../support/devcluster.js';
import { kubectl, type KubectlResult } from '../support/kubectl.js';
import { freshDatabase, query } from '../support/pg.js';
import { containerProcess, imageConfig } from '../support/packaging/pod.js';
import { renderChart, ROOT, type Obj } from '../support/packaging/render.js';

const NAMESPACE = 'schema-operator';
const RELEASE = 'schema-operator';

/** A Namespace, applied as YAML: `kubectl create namespace` speaks protobuf, which the devcluster does not. */
const namespace = (name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

/** Polls `fn` every 250 ms until it returns a value, or fails after `timeoutMs`. */
async function until<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the Helm chart applied with kubectl, its Deployment run as a process', function () {
  this.timeout(180_000);
  // The ServiceAccount the chart renders (release name = chart name: no suffix).
  const f = useDevCluster({
    users: [{ name: 'operator', username: `system:serviceaccount:${NAMESPACE}:${RELEASE}` }],
  });
  let operator: ChildProcess | undefined;
  let output = '';
  let dbUrl = '';

  const k = (args: string[], input?: string): Promise<KubectlResult> =>
    kubectl(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await k(args, input);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  const getJson = async (args: string[]): Promise<Obj> =>
    JSON.parse(await ok(['get', ...args, '-o', 'json'])) as Obj;

  after(async function () {
    this.timeout(30_000);
    if (operator && operator.exitCode === null) {
      const exited = new Promise((r) => operator!.once('close', r));
      operator.kill('SIGTERM');
      await exited;
    }
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      console.error(`--- operator (last lines) ---\n${output.split('\n').slice(-40).join('\n')}`);
  });

  it('applies the rendered chart with kubectl apply -f', async () => {
    const applied = await renderChart({ release: RELEASE, namespace: NAMESPACE });
    await ok(['apply', '-f', '-'], stringify(namespace(NAMESPACE)));
    const out = await ok(['apply', '-f', '-'], applied.map((o) => stringify(o)).join('---\n'));
    for (const o of applied) expect(out).to.contain(`/${o.metadata.name} created`);
    const crds = await ok(['get', 'crd', '-o', 'name']);
    expect(crds).to.contain('schemamigrations.schema.streamspace.io');
    expect(crds).to.contain('organizations.schema.streamspace.io');
  });

  it('runs the stored Deployment as its container would, with leader election in its namespace', async () => {
    const deployment = await getJson(['deployment', '-n', NAMESPACE, RELEASE]);
    const pod = { name: `${RELEASE}-7d4b9c-x2x9z`, namespace: NAMESPACE };
    const image = imageConfig();
    const proc = containerProcess(deployment, pod, image);
    expect(proc.argv.slice(0, 3)).to.deep.equal([...image.entrypoint, 'run']);
    // The image runs `node dist/src/cli/main.js` in WORKDIR: here, this Node and the compiled CLI.
    const [nodeBin, entry, ...args] = proc.argv;
    expect(nodeBin).to.equal('node');
    const adapted = args.map((a) =>
      a.startsWith('--bind-address=') ? '--bind-address=127.0.0.1:0' : a,
    );
    expect(adapted, 'the chart sets a bind address').to.include('--bind-address=127.0.0.1:0');
    const operatorKubeconfig = await kubeconfigFile(f.dc, { user: 'operator' });
    operator = spawn(
      process.execPath,
      [join(ROOT, entry!), ...adapted, '--kubeconfig', operatorKubeconfig],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...proc.env } },
    );
    const collect = (d: Buffer) => (output += d.toString());
    operator.stdout!.on('data', collect);
    operator.stderr!.on('data', collect);

    const lease = await until('the Lease', 30_000, async () => {
      const r = await k(['get', 'lease', '-n', NAMESPACE, 'schema-operator', '-o', 'json']);
      const holder = r.code === 0 ? (JSON.parse(r.stdout) as Obj).spec?.holderIdentity : undefined;
      return holder ? (holder as string) : undefined;
    });
    expect(lease, 'POD_NAME from the downward API is the holder').to.equal(pod.name);
    expect(output).to.contain('"level":"info"');
    expect(output, 'LOG_LEVEL info').to.not.contain('"level":"debug"');
  });

  it('reconciles examples/streamspace-schemamigration.yaml to Ready against PostgreSQL', async () => {
    dbUrl = await freshDatabase(18);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'streamspace-db', namespace: 'streamspace' },
      stringData: { url: dbUrl },
    };
    await ok(
      ['apply', '-f', '-'],
      [namespace('streamspace'), secret].map((o) => stringify(o)).join('---\n'),
    );
    await ok(['apply', '-f', join(ROOT, 'examples', 'streamspace-schemamigration.yaml')]);
    await ok([
      'wait',
      '--for=condition=Ready',
      'schemamigration/streamspace-api',
      '-n',
      'streamspace',
      '--timeout=90s',
    ]);
    const smig = await getJson(['schemamigration', '-n', 'streamspace', 'streamspace-api']);
    expect(smig.status.appliedVersion).to.equal('010');
    expect(smig.status.observedGeneration).to.equal(smig.metadata.generation);
    const rows = await query<{ n: string }>(dbUrl, 'SELECT count(*) AS n FROM organizations');
    expect(Number(rows[0]!.n), 'migration 006 seeds the default organization').to.be.above(0);
  });

  it('reconciles examples/organizations.yaml: an own namespace, the shared one, a suspended one', async () => {
    await ok(['apply', '-f', join(ROOT, 'examples', 'organizations.yaml')]);
    const phases = await until('the three Organizations settled', 60_000, async () => {
      const list = await getJson(['organizations']);
      const byName = Object.fromEntries(
        (list.items as Obj[]).map((o) => [o.metadata.name, o.status?.phase as string | undefined]),
      );
      const settled = ['acme', 'globex', 'initech'].every(
        (n) => byName[n] === 'Active' || byName[n] === 'Suspended',
      );
      return settled ? byName : undefined;
    });
    expect(phases).to.deep.equal({ acme: 'Active', globex: 'Active', initech: 'Suspended' });
    const rows = await query<{ id: string; k8s_namespace: string; status: string }>(
      dbUrl,
      `SELECT id, k8s_namespace, status FROM organizations WHERE id IN ('acme', 'globex', 'initech') ORDER BY id`,
    );
    expect(rows).to.deep.equal([
      { id: 'acme', k8s_namespace: 'acme', status: 'active' },
      { id: 'globex', k8s_namespace: 'streamspace', status: 'active' },
      { id: 'initech', k8s_namespace: 'initech', status: 'suspended' },
    ]);
    const acme = await getJson(['namespace', 'acme']);
    expect(acme.metadata.annotations['schema.streamspace.io/organization']).to.equal('acme');
    const initech = await getJson(['namespace', 'initech']);
    expect(initech.metadata.labels['schema.streamspace.io/suspended']).to.equal('true');
  });

  it('deletes an Organization with deletionPolicy Delete and its namespace, under the admission policy', async () => {
    await ok(['delete', 'organization', 'acme', '--wait=false']);
    await until('namespace acme gone', 60_000, async () => {
      const r = await k(['get', 'namespace', 'acme', '-o', 'name']);
      return r.code !== 0 && /NotFound/.test(r.stderr) ? true : undefined;
    });
    expect(output, 'no refusal by the policy').to.not.contain('denied request');
  });

  it('applies the kustomize base with kubectl apply -k next to it (CRDs unchanged)', async () => {
    const out = await ok(['apply', '-k', join(ROOT, 'manifests')]);
    expect(out).to.match(
      /customresourcedefinition\.apiextensions\.k8s\.io\/schemamigrations\.schema\.streamspace\.io (unchanged|configured)/,
    );
    expect(out).to.contain('deployment.apps/schema-operator created');
    const deployment = await getJson([
      'deployment',
      '-n',
      'schema-operator-system',
      'schema-operator',
    ]);
    expect(deployment.spec.replicas).to.equal(2);
    await ok(['get', 'clusterrole', 'schema-operator']);
    await ok(['get', 'service', '-n', 'schema-operator-system', 'schema-operator-metrics']);
  });
});
