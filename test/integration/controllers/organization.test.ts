import { expect } from 'chai';
import { installCrds } from '../../../src/cli/install-crds.js';
import type { Organization } from '../../../src/api/index.js';
import {
  ORG_ANNOTATION,
  SUSPENDED_LABEL,
} from '../../../src/controllers/organization/namespace.js';
import { organizations } from '../../../src/controllers/resources.js';
import {
  clientFor,
  InvalidError,
  KubeTransport,
  kubeConfig,
  type KubeClient,
  type KubeObject,
  type SecretObject,
  type Unstructured,
} from '../../../src/kube/index.js';
import { useDevCluster, kubeconfigFile } from '../../support/devcluster.js';
import { kubectl } from '../../support/kubectl.js';
import { OperatorProcess, sleep } from '../../support/operator.js';
import { freshDatabase, query } from '../../support/pg.js';

type Org = Organization;
const ns = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
const secrets = { group: '', version: 'v1', plural: 'secrets', namespaced: true };
const smigs = {
  group: 'schema.streamspace.io',
  version: 'v1alpha1',
  plural: 'schemamigrations',
  namespaced: true,
};

function orgObject(name: string, spec: Partial<Organization['spec']> = {}): Org {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name },
    spec: { displayName: `Org ${name}`, ...spec },
  };
}

describe('the Organization controller (devcluster, PostgreSQL 18, operator process)', function () {
  this.timeout(120_000);
  const cluster = useDevCluster();
  let client: KubeClient;
  let url: string;
  let operator: OperatorProcess;
  const orgs = () => client.resource<Org>(organizations);

  async function waitForOrg(name: string, pred: (o: Org | undefined) => boolean, ms = 20_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const o = await orgs().find({ name });
      if (pred(o)) return o!;
      if (Date.now() > deadline)
        throw new Error(`${name}: not as expected in ${ms} ms: ${JSON.stringify(o?.status)}`);
      await sleep(50);
    }
  }
  const cond = (type: string, status: string, reason?: string) => (o: Org | undefined) => {
    const c = o?.status?.conditions?.find((x) => x.type === type);
    return c?.status === status && (reason === undefined || c.reason === reason);
  };
  const rowOf = async (id: string) =>
    (await query(url, 'SELECT * FROM organizations WHERE id = $1', [id]))[0];

  before(async () => {
    const kubeconfigPath = await kubeconfigFile(cluster.dc);
    client = clientFor(new KubeTransport(kubeConfig({ kubeconfigPath })));
    await installCrds(client);
    url = await freshDatabase(18);
    await client.resource<KubeObject>(ns).create({ metadata: { name: 'streamspace' } });
    await client.resource<SecretObject>(secrets).create({
      metadata: { name: 'streamspace-db', namespace: 'streamspace' },
      stringData: { url },
    });
    operator = new OperatorProcess({
      kubeconfigPath,
      extraArgs: ['--default-database-ref', 'streamspace/streamspace-api'],
    });
    await operator.start();
    await operator.waitForLog((l) => l.message === 'controllers started', 20_000);
  });
  after(async () => {
    await operator?.kill('SIGKILL');
  });

  it('makes an org created before its database is migrated Ready once it is, without error spam', async () => {
    await orgs().create(orgObject('early', { namespace: 'early' }));
    await waitForOrg('early', cond('DatabaseSynced', 'False', 'SchemaNotReady'));
    await sleep(500);
    await client.resource<Unstructured>(smigs).create({
      apiVersion: 'schema.streamspace.io/v1alpha1',
      kind: 'SchemaMigration',
      metadata: { name: 'streamspace-api', namespace: 'streamspace' },
      spec: {
        database: { urlSecretRef: { name: 'streamspace-db', key: 'url' } },
        source: { bundled: 'streamspace' },
        allowOrganizations: true,
      },
    });
    const o = await waitForOrg('early', cond('Ready', 'True'), 60_000);
    expect(o.status!.phase).to.equal('Active');
    expect(await rowOf('early')).to.include({
      name: 'early',
      display_name: 'Org early',
      k8s_namespace: 'early',
      status: 'active',
    });
    const errors = operator
      .logs()
      .filter((l) => l.level === 'error' && String(l.key ?? '') === 'early');
    expect(errors).to.deep.equal([]);
  });

  it('stores a displayName with SQL metacharacters and unicode verbatim', async () => {
    const displayName = `Robert'); DROP TABLE organizations;-- "Ünïcødé" 🚀 $1 \\`;
    await orgs().create(orgObject('meta', { displayName, description: `$$ ; '' 日本語` }));
    await waitForOrg('meta', cond('Ready', 'True'));
    expect(await rowOf('meta')).to.include({
      display_name: displayName,
      description: `$$ ; '' 日本語`,
    });
  });

  it('gives a dedicated namespace to the first of two orgs claiming it', async () => {
    await orgs().create(orgObject('claim-a', { namespace: 'team-x' }));
    await waitForOrg('claim-a', cond('Ready', 'True'));
    await orgs().create(orgObject('claim-b', { namespace: 'team-x' }));
    const b = await waitForOrg('claim-b', (o) => o?.status?.phase === 'Conflict');
    expect(b.status!.conditions!.find((c) => c.type === 'NamespaceReady')!.message).to.equal(
      'namespace team-x is annotated for organization claim-a',
    );
    const nsObj = await client.resource<KubeObject>(ns).get({ name: 'team-x' });
    expect(nsObj.metadata!.annotations![ORG_ANNOTATION]).to.equal('claim-a');
    expect(nsObj.metadata).not.to.have.property('ownerReferences');
    expect(await rowOf('claim-b')).to.equal(undefined);
  });

  it('reads what its lean caches keep: orgs and namespaces applied with kubectl (managedFields, last-applied)', async () => {
    const kubeconfigPath = await kubeconfigFile(cluster.dc);
    const apply = async (yaml: string) => {
      const r = await kubectl(['apply', '-f', '-'], { kubeconfigPath, input: yaml });
      expect(r.code, r.stderr).to.equal(0);
    };
    // A namespace someone applied, owned by no org: its annotations arrive over a metadata-only watch.
    await apply(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: applied-ns\n  labels: {team: t}\n',
    );
    const org = (adopt: boolean) =>
      [
        'apiVersion: schema.streamspace.io/v1alpha1',
        'kind: Organization',
        'metadata: {name: applied}',
        `spec: {displayName: Applied, namespace: applied-ns, adoptNamespace: ${adopt}}`,
      ].join('\n');
    await apply(org(false));
    const refused = await waitForOrg('applied', (o) => o?.status?.phase === 'Conflict');
    expect(refused.status!.conditions!.find((c) => c.type === 'NamespaceReady')!.message).to.match(
      /belongs to no organization; set spec.adoptNamespace/,
    );
    // A new generation applied with kubectl (the cache holds it without the last-applied copy) wakes it.
    await apply(org(true));
    await waitForOrg('applied', cond('Ready', 'True'));
    const stored = await orgs().get({ name: 'applied' });
    expect(stored.metadata.annotations).to.have.property(
      'kubectl.kubernetes.io/last-applied-configuration',
    );
    expect(stored.metadata.managedFields?.length).to.be.above(0);
    const nsObj = await client.resource<KubeObject>(ns).get({ name: 'applied-ns' });
    expect(nsObj.metadata.annotations![ORG_ANNOTATION]).to.equal('applied');
    expect(nsObj.metadata.labels).to.include({ team: 't' });
  });

  it('has the CRD refuse an org in kube-system with 422', async () => {
    let err: unknown;
    await orgs()
      .create(orgObject('sneaky', { namespace: 'kube-system' }))
      .catch((e) => (err = e));
    expect(err).to.be.instanceOf(InvalidError);
    expect((err as InvalidError).status).to.equal(422);
  });

  it('reports NameConflict for a name another id holds and writes nothing', async () => {
    await query(
      url,
      `INSERT INTO organizations (id, name, display_name) VALUES ('uuid-9', 'taken', 'x')`,
    );
    await orgs().create(orgObject('taken'));
    await waitForOrg('taken', cond('DatabaseSynced', 'False', 'NameConflict'));
    expect(await rowOf('taken')).to.equal(undefined);
  });

  it('suspends and resumes through the row and a namespace label', async () => {
    await orgs().create(orgObject('pause', { namespace: 'pause' }));
    await waitForOrg('pause', cond('Ready', 'True'));
    await orgs().mergePatch({ name: 'pause' }, { spec: { suspended: true } });
    await waitForOrg(
      'pause',
      (o) => o?.status?.phase === 'Suspended' && o.status.observedGeneration === 2,
    );
    expect(await rowOf('pause')).to.include({ status: 'suspended' });
    let nsObj = await client.resource<KubeObject>(ns).get({ name: 'pause' });
    expect(nsObj.metadata!.labels![SUSPENDED_LABEL]).to.equal('true');
    await orgs().mergePatch({ name: 'pause' }, { spec: { suspended: false } });
    await waitForOrg(
      'pause',
      (o) => o?.status?.phase === 'Active' && o.status.observedGeneration === 3,
    );
    expect(await rowOf('pause')).to.include({ status: 'active' });
    nsObj = await client.resource<KubeObject>(ns).get({ name: 'pause' });
    expect(nsObj.metadata!.labels?.[SUSPENDED_LABEL]).to.equal(undefined);
  });

  it('deletes with Retain: the row is marked deleted and the namespace stays', async () => {
    await orgs().create(orgObject('keepme', { namespace: 'keepme' }));
    await waitForOrg('keepme', cond('Ready', 'True'));
    await orgs().delete({ name: 'keepme' });
    await waitForOrg('keepme', (o) => o === undefined);
    expect(await rowOf('keepme')).to.include({ status: 'deleted' });
    expect(await client.resource<KubeObject>(ns).find({ name: 'keepme' })).not.to.equal(undefined);
  });

  it('deletes with Delete: Stalled, deleting nothing, while rows reference the org', async () => {
    await orgs().create(orgObject('busy', { namespace: 'busy', deletionPolicy: 'Delete' }));
    await waitForOrg('busy', cond('Ready', 'True'));
    await query(
      url,
      `INSERT INTO users (id, username, email, org_id) VALUES ('ub', 'ub', 'ub@x', 'busy')`,
    );
    await orgs().delete({ name: 'busy' });
    const o = await waitForOrg('busy', cond('Stalled', 'True', 'DeletionBlocked'));
    expect(o.status!.phase).to.equal('Terminating');
    expect(await client.resource<KubeObject>(ns).find({ name: 'busy' })).not.to.equal(undefined);
    expect(await rowOf('busy')).to.include({ status: 'active' });

    // Once the references are gone, the retry annotation resumes the deletion now (else within a minute).
    await query(url, `DELETE FROM users WHERE id = 'ub'`);
    await orgs().mergePatch(
      { name: 'busy' },
      { metadata: { annotations: { 'schema.streamspace.io/retry': '1' } } },
    );
    await waitForOrg('busy', (o) => o === undefined);
    expect(await rowOf('busy')).to.equal(undefined);
    const nsObj = await client.resource<KubeObject>(ns).find({ name: 'busy' });
    expect(nsObj === undefined || !!nsObj.metadata?.deletionTimestamp).to.equal(true);
  });

  it('exports organization metrics: phases, row outcomes and namespace writes', async () => {
    const text = await operator.metrics();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^schema_operator_organizations\{phase="Active"\} (\d+)$/m)).to.be.greaterThan(0);
    expect(
      value(/^schema_operator_organization_row_writes_total\{outcome="written"\} (\d+)$/m),
    ).to.be.greaterThan(0);
    expect(
      value(/^schema_operator_organization_row_writes_total\{outcome="delete-blocked"\} (\d+)$/m),
    ).to.be.greaterThan(0);
    expect(
      value(
        /^schema_operator_organization_namespace_operations_total\{operation="create"\} (\d+)$/m,
      ),
    ).to.be.greaterThan(0);
  });

  it('deletes with Delete: the namespace it created, then the row', async () => {
    await orgs().create(orgObject('gone', { namespace: 'gone', deletionPolicy: 'Delete' }));
    await waitForOrg('gone', cond('Ready', 'True'));
    await orgs().delete({ name: 'gone' });
    await waitForOrg('gone', (o) => o === undefined);
    expect(await rowOf('gone')).to.equal(undefined);
    const nsObj = await client.resource<KubeObject>(ns).find({ name: 'gone' });
    expect(nsObj === undefined || !!nsObj.metadata?.deletionTimestamp).to.equal(true);
  });

  it('never touches default-org: refused with a condition, the object goes, the row stays as it was', async () => {
    const before = await rowOf('default-org');
    await orgs().create(
      orgObject('default-org', { displayName: 'Taken', suspended: true, deletionPolicy: 'Delete' }),
    );
    await waitForOrg('default-org', cond('DatabaseSynced', 'False', 'DefaultOrgProtected'));
    await orgs().delete({ name: 'default-org' });
    await waitForOrg('default-org', (o) => o === undefined);
    expect(await rowOf('default-org')).to.deep.equal(before);
    expect(await client.resource<KubeObject>(ns).find({ name: 'streamspace' })).not.to.equal(
      undefined,
    );
  });
});
