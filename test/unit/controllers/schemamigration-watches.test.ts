import { expect } from 'chai';
import { API_VERSION, type SchemaMigration } from '../../../src/api/index.js';
import { installCrds } from '../../../src/cli/install-crds.js';
import { schemaMigrations } from '../../../src/controllers/resources.js';
import {
  configMapReader,
  referenceIndexers,
  watchReferences,
} from '../../../src/controllers/schemamigration/watches.js';
import { SecretWatches } from '../../../src/controllers/schemamigration/secret-watches.js';
import { Informer, connect, type KubeObject } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { useDevCluster } from '../../support/devcluster.js';

type Smig = SchemaMigration;
const core = (plural: string) => ({ group: '', version: 'v1', plural, namespaced: true });

describe('the ConfigMaps and Secrets a SchemaMigration names', () => {
  const f = useDevCluster({ bookmarkIntervalMs: 100 });
  const woken: string[] = [];
  let informers: Array<{ stop(): Promise<void> }> = [];
  let secrets: SecretWatches;

  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 20));
  };

  before(async () => {
    const client = connect({ kubeconfigPath: f.kubeconfigPath });
    await installCrds(client);
    for (const name of ['team', 'elsewhere'])
      await client.resource(core('namespaces')).create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      } as KubeObject);
    await client.resource<Smig>(schemaMigrations).create({
      apiVersion: API_VERSION,
      kind: 'SchemaMigration',
      metadata: { name: 'app', namespace: 'team' },
      spec: {
        database: { urlSecretRef: { name: 'db', key: 'url' } },
        source: { configMaps: [{ name: 'one' }, { name: 'two' }] },
      },
    } as Smig);
    const smigs = new Informer<Smig>({
      client: client.resource<Smig>(schemaMigrations),
      indexers: referenceIndexers,
    });
    const refs = watchReferences({
      client,
      smigs,
      wake: (key) => woken.push(key),
      logger: silentLogger,
    });
    informers = [smigs, ...refs];
    secrets = refs.find((r) => r instanceof SecretWatches) as SecretWatches;
    for (const i of [smigs, ...refs]) i.start();
    for (const i of [smigs, ...refs]) await i.waitForSync();
    await until(() => secrets.hasSyncedIn('team'));
  });
  after(async () => {
    for (const i of informers) await i.stop();
  });
  beforeEach(() => woken.splice(0));

  const create = (plural: string, name: string, ns = 'team') =>
    connect({ kubeconfigPath: f.kubeconfigPath })
      .resource(core(plural))
      .create({ apiVersion: 'v1', metadata: { name, namespace: ns }, data: {} } as KubeObject);

  it('wake the CR when a ConfigMap it names appears', async () => {
    await create('configmaps', 'two');
    await until(() => woken.length > 0);
    expect(woken).to.deep.equal(['team/app']);
  });

  it('wake the CR when its Secret appears', async () => {
    await create('secrets', 'db');
    await until(() => woken.length > 0);
    expect(woken).to.deep.equal(['team/app']);
  });

  it('do not wake it for objects it does not name, or of another namespace', async () => {
    await create('configmaps', 'unrelated');
    await create('secrets', 'other');
    await create('configmaps', 'three');
    await create('configmaps', 'one', 'elsewhere');
    await new Promise((r) => setTimeout(r, 300));
    expect(woken).to.deep.equal([]);
  });

  it('are read with a GET, undefined when missing', async () => {
    const read = configMapReader(connect({ kubeconfigPath: f.kubeconfigPath }));
    expect(await read('team', 'two')).to.have.nested.property('metadata.name', 'two');
    expect(await read('team', 'missing')).to.equal(undefined);
  });

  it('watch Secrets only in the namespaces that hold SchemaMigrations, while they do', async () => {
    expect(secrets.namespaces).to.deep.equal(['team']);
    await connect({ kubeconfigPath: f.kubeconfigPath })
      .resource(schemaMigrations)
      .delete({ namespace: 'team', name: 'app' });
    await until(() => secrets.namespaces.length === 0);
    expect(secrets.namespaces).to.deep.equal([]);
  });
});
