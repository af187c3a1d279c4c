/**
 * The Helm chart (helm/schema-operator), checked with the real helm 4 binary:
 * it lints, renders the expected objects with default and non-default
 * values, refuses bad values through values.schema.json, grants no `*` in
 * RBAC, and ships CRDs identical to the repository's `crds/`.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ALL_OPTIONS,
  CHART as chart,
  helm,
  ROOT as root,
  type Obj,
} from '../support/packaging/render.js';

const KEEP = 'helm.sh/resource-policy';

/** The YAML files of `dir` parsed, by file name. */
function yamlFiles(dir: string): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    out.set(name, parseAllDocuments(readFileSync(join(dir, name), 'utf8'))[0]!.toJS() as Obj);
  }
  return out;
}

describe('the Helm chart', function () {
  this.timeout(120_000);
  let home: string;

  /** Renders the chart as release `so` in namespace `ops` with `values` (a values file) and returns its objects. */
  async function render(values: Obj = {}): Promise<Obj[]> {
    const file = join(home, `values-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, JSON.stringify(values));
    const res = await helm(['template', 'so', chart, '--namespace', 'ops', '-f', file], home);
    expect(res.code, res.stderr).to.equal(0);
    return parseAllDocuments(res.stdout)
      .map((d) => d.toJS() as Obj | null)
      .filter((o): o is Obj => o !== null);
  }

  const byKind = (objs: Obj[], kind: string): Obj[] => objs.filter((o) => o.kind === kind);
  const one = (objs: Obj[], kind: string): Obj => {
    const found = byKind(objs, kind);
    expect(found, kind).to.have.length(1);
    return found[0]!;
  };
  const envOf = (deploy: Obj): Map<string, Obj> =>
    new Map(
      (deploy.spec.template.spec.containers[0].env as Obj[]).map((e) => [e.name as string, e]),
    );

  before(() => {
    home = mkdtempSync(join(tmpdir(), 'schema-operator-helm-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('passes helm lint', async () => {
    const res = await helm(['lint', '--strict', chart], home);
    expect(res.code, res.stdout + res.stderr).to.equal(0);
  });

  it('renders the operator with default values', async () => {
    const objs = await render();
    const kinds = objs.map((o) => o.kind as string).sort();
    expect(kinds).to.deep.equal([
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Deployment',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
    const deploy = one(objs, 'Deployment');
    expect(deploy.metadata.namespace).to.equal('ops');
    expect(deploy.spec.replicas).to.equal(2);
    const pod = deploy.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).to.equal('registry.example.com/streamspace/schema-operator:0.1.0');
    expect(container.args).to.deep.equal([
      'run',
      '--bind-address=:8080',
      '--workers=4',
      '--reconcile-timeout=1h',
      '--max-reconciles-per-namespace=1',
      '--lease-name=schema-operator',
      '--bindable-cluster-roles=edit,view,streamspace-sessions',
    ]);
    expect(container.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'http' });
    expect(container.ports).to.deep.include({ name: 'http', containerPort: 8080, protocol: 'TCP' });
    const env = envOf(deploy);
    expect(env.get('POD_NAME')?.valueFrom.fieldRef.fieldPath).to.equal('metadata.name');
    expect(env.get('POD_NAMESPACE')?.valueFrom.fieldRef.fieldPath).to.equal('metadata.namespace');
    expect(env.get('LOG_LEVEL')?.value).to.equal('info');
    expect(env.get('NODE_OPTIONS')?.value).to.equal(
      '--max-old-space-size=192 --max-semi-space-size=2',
    );
    expect(env.has('WATCH_NAMESPACE')).to.equal(false);
    expect(env.has('DEFAULT_DATABASE_REF')).to.equal(false);
    expect(env.has('ALLOWED_DATABASE_HOSTS')).to.equal(false);
    expect(container.securityContext).to.deep.include({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsNonRoot).to.equal(true);
    expect(pod.topologySpreadConstraints).to.have.length(2);
    expect(pod.serviceAccountName).to.equal(one(objs, 'ServiceAccount').metadata.name);
    expect(one(objs, 'Service').spec.ports[0].port).to.equal(8080);
    expect(one(objs, 'Role').rules).to.deep.equal([
      {
        apiGroups: ['coordination.k8s.io'],
        resources: ['leases'],
        verbs: ['get', 'create', 'update'],
      },
    ]);
  });

  it('renders the options that non-default values turn on', async () => {
    const objs = await render(ALL_OPTIONS);
    const deploy = one(objs, 'Deployment');
    expect(deploy.spec.replicas).to.equal(3);
    const container = deploy.spec.template.spec.containers[0];
    expect(container.image).to.equal('example.org/so:9.9.9');
    expect(container.imagePullPolicy).to.equal('Always');
    expect(container.args).to.include.members([
      '--bind-address=:9090',
      '--lease-name=so-shard-a',
      '--selector=shard=a',
      '--bindable-cluster-roles=view,tenant-admin',
    ]);
    const env = envOf(deploy);
    expect(env.get('WATCH_NAMESPACE')?.value).to.equal('streamspace');
    expect(env.get('LOG_LEVEL')?.value).to.equal('debug');
    expect(env.get('DEFAULT_DATABASE_REF')?.value).to.equal('streamspace/streamspace-api');
    expect(env.get('ALLOWED_DATABASE_HOSTS')?.value).to.equal('*.db.svc.cluster.local,10.0.0.0/8');
    expect(one(objs, 'ServiceMonitor').spec.endpoints[0]).to.deep.include({
      port: 'http-metrics',
      interval: '15s',
    });
    expect(one(objs, 'PodDisruptionBudget').spec.minAvailable).to.equal(2);
    expect(one(objs, 'NetworkPolicy').spec.ingress[0].ports).to.deep.equal([
      { port: 'http', protocol: 'TCP' },
    ]);
    const selector = deploy.spec.selector.matchLabels;
    for (const kind of ['PodDisruptionBudget', 'ServiceMonitor']) {
      expect(one(objs, kind).spec.selector.matchLabels, kind).to.deep.equal(selector);
    }
  });

  it('runs a single replica without leader election or a Lease Role when it is off', async () => {
    const objs = await render({ replicaCount: 1, leaderElection: { enabled: false } });
    const container = one(objs, 'Deployment').spec.template.spec.containers[0];
    expect(container.args).to.include('--no-leader-elect');
    expect(byKind(objs, 'Role').map((r) => r.metadata.name)).to.deep.equal([]);
    expect(byKind(objs, 'RoleBinding')).to.have.length(0);
  });

  it('prints next steps, the watched namespace and the kept CRDs after install', async () => {
    const args = ['install', 'so', chart, '--namespace', 'ops', '--dry-run=client'];
    const res = await helm([...args, '--set', 'watchNamespace=streamspace'], home);
    expect(res.code, res.stderr).to.equal(0);
    const notes = res.stdout.slice(res.stdout.indexOf('NOTES:'));
    expect(notes).to.include('watching namespace streamspace');
    expect(notes).to.include('kubectl -n ops rollout status deploy/so-schema-operator');
    expect(notes).to.include('CRDs are kept on `helm uninstall`');
  });

  /** [what, bad values, what helm must name] */
  const badValues: Array<[string, Obj, RegExp]> = [
    ['a negative replicaCount', { replicaCount: -1 }, /replicaCount/],
    ['an unknown logLevel', { logLevel: 'loud' }, /logLevel/],
    ['a replicaCount that is not a number', { replicaCount: 'two' }, /replicaCount/],
    ['an unknown top-level key', { replicas: 2 }, /replicas/],
    ['a port out of range', { metrics: { port: 70000 } }, /port/],
    ['a malformed defaultDatabaseRef', { defaultDatabaseRef: 'no-slash' }, /defaultDatabaseRef/],
    [
      'a secret namespace that is no namespace name',
      { rbac: { secretNamespaces: ['A_B'] } },
      /secretNamespaces/,
    ],
    [
      'an admissionPolicy.enabled that is not a boolean',
      { admissionPolicy: { enabled: 'yes' } },
      /enabled/,
    ],
    ['a crds.install that is not a boolean', { crds: { install: 'no' } }, /install/],
  ];
  for (const [what, values, named] of badValues) {
    it(`refuses ${what} through the values schema`, async () => {
      const file = join(home, 'bad.yaml');
      writeFileSync(file, JSON.stringify(values));
      const res = await helm(['template', 'so', chart, '-f', file], home);
      expect(res.code).to.not.equal(0);
      expect(res.stderr).to.match(/schema/);
      expect(res.stderr).to.match(named);
    });
  }

  it('grants no RBAC rule with `*`, whatever the options', async () => {
    for (const values of [
      {},
      { watchNamespace: 'x', networkPolicy: { enabled: true } },
      { rbac: { secretNamespaces: ['a', 'b'] } },
    ]) {
      const objs = await render(values);
      const rules = ['ClusterRole', 'Role']
        .flatMap((k) => byKind(objs, k))
        .flatMap((r) => r.rules as Obj[]);
      expect(rules).to.have.length.above(0);
      for (const rule of rules) {
        for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames']) {
          expect(rule[field] ?? [], `${field} of ${JSON.stringify(rule)}`).to.not.include('*');
        }
      }
    }
  });

  it('ships a files/crds copy identical to crds/', () => {
    const source = join(root, 'crds');
    const copy = join(chart, 'files', 'crds');
    const names = readdirSync(source).sort();
    expect(readdirSync(copy).sort()).to.deep.equal(names);
    for (const name of names) {
      const same =
        readFileSync(join(copy, name), 'utf8') === readFileSync(join(source, name), 'utf8');
      expect(
        same,
        `helm/schema-operator/files/crds/${name} differs from crds/${name}: copy it again`,
      ).to.equal(true);
    }
  });

  it('renders CRDs equal to crds/, annotated to be kept on uninstall', async () => {
    const rendered = byKind(await render(), 'CustomResourceDefinition');
    const expected = [...yamlFiles(join(root, 'crds')).values()];
    expect(rendered.map((c) => c.metadata.name).sort()).to.deep.equal(
      expected.map((c) => c.metadata.name).sort(),
    );
    for (const crd of rendered) {
      expect(crd.metadata.annotations[KEEP]).to.equal('keep');
      const annotations: Obj = { ...crd.metadata.annotations };
      delete annotations[KEEP];
      const metadata: Obj = { ...crd.metadata, annotations };
      if (Object.keys(annotations).length === 0) delete metadata.annotations;
      const source = expected.find((c) => c.metadata.name === crd.metadata.name);
      expect({ ...crd, metadata }).to.deep.equal(source);
    }
  });

  it('leaves the CRDs out with crds.install=false, and nothing else', async () => {
    const all = await render();
    const without = await render({ crds: { install: false } });
    expect(byKind(without, 'CustomResourceDefinition')).to.have.length(0);
    expect(without.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(
      all
        .filter((o) => o.kind !== 'CustomResourceDefinition')
        .map((o) => `${o.kind}/${o.metadata.name}`),
    );
  });
});
