/**
 * `schema-operator dev`: the whole thing on one machine, for trying it and
 * for developing it. A local control plane with the CRDs installed, a
 * throwaway PostgreSQL, a kubeconfig, the operator in this process, and the
 * examples applied (with a Secret pointing at that PostgreSQL). The operator
 * authenticates as its ServiceAccount (a kubeconfig user of its own) under
 * the install's ValidatingAdmissionPolicy; the printed kubeconfig is the
 * unrestricted admin. Ctrl-C stops everything and removes the temporary files.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { GROUP, VERSION, packageRoot } from '../api/index.js';
import { startDevCluster } from '../devcluster/index.js';
import { startLocalPostgres, type PostgresMajor } from '../devcluster/postgres.js';
import { ensureDatabase } from '../engine/index.js';
import {
  clientFor,
  KubeTransport,
  kubeConfig,
  type KubeClient,
  type KubeObject,
  type ResourceRef,
  type SecretObject,
  type Unstructured,
} from '../kube/index.js';
import { installCrds } from './install-crds.js';
import { installAdmissionPolicy, OPERATOR_USERNAME } from './install-policy.js';
import { runOperator } from '../operator/operator.js';

/** What `dev` was asked for. */
export interface DevOptions {
  kubeconfig?: string;
  port?: number;
  examples: boolean;
  postgres: PostgresMajor;
  logLevel?: string;
}

/** The kubeconfig user the operator runs as. */
const OPERATOR_USER = 'schema-operator';

/** Kinds the examples may contain, and where they live in the API. */
const KINDS: Record<string, ResourceRef> = {
  Namespace: { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  Secret: { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  SchemaMigration: { group: GROUP, version: VERSION, plural: 'schemamigrations', namespaced: true },
  Organization: { group: GROUP, version: VERSION, plural: 'organizations', namespaced: false },
};

/** Runs until Ctrl-C. */
export async function runDev(o: DevOptions): Promise<void> {
  const say = (s: string) => process.stderr.write(s + '\n');
  const tmp = await mkdtemp(join(tmpdir(), 'schema-operator-dev-'));
  const stops: Array<() => Promise<unknown>> = [() => rm(tmp, { recursive: true, force: true })];
  try {
    const cluster = await startDevCluster({
      port: o.port,
      users: [{ name: OPERATOR_USER, username: OPERATOR_USERNAME }],
    });
    stops.unshift(() => cluster.stop());
    const kubeconfigPath = o.kubeconfig ?? join(tmp, 'kubeconfig');
    const scratch = join(tmp, 'kubeconfig.internal');
    await cluster.writeKubeconfig(scratch);
    const client = clientFor(new KubeTransport(kubeConfig({ kubeconfigPath: scratch })));
    await installCrds(client);
    await installAdmissionPolicy(client);
    const operatorKubeconfig = join(tmp, 'kubeconfig.operator');
    await cluster.writeKubeconfig(operatorKubeconfig, { user: OPERATOR_USER });
    const operatorClient = clientFor(
      new KubeTransport(kubeConfig({ kubeconfigPath: operatorKubeconfig })),
    );
    say(`control plane at ${cluster.url}, CRDs and admission policy installed`);

    const pg = await startLocalPostgres({ major: o.postgres });
    stops.unshift(() => pg.stop());
    const dbUrl = await ensureDatabase(pg.url(), 'streamspace');
    say(`PostgreSQL ${o.postgres} on 127.0.0.1:${pg.port}, database streamspace`);

    if (o.examples) {
      await applyObjects(client, [namespace('streamspace'), dbSecret(dbUrl)]);
      const applied = await applyExamples(client);
      say(`applied ${applied.length} example object(s): ${applied.join(', ')}`);
    }
    // The kubeconfig appears only now, when the API answers and holds the CRDs.
    await cluster.writeKubeconfig(kubeconfigPath);
    say(
      `\nkubeconfig: ${kubeconfigPath}\nnext:\n` +
        `  kubectl --kubeconfig ${kubeconfigPath} get smig -A\n` +
        `  kubectl --kubeconfig ${kubeconfigPath} wait --for=condition=Ready smig/streamspace-api -n streamspace\n` +
        `  psql '${dbUrl.replace(/:[^:@/]*@/, '@')}'   (password: see the Secret streamspace/streamspace-db)\n` +
        'Ctrl-C stops everything.\n',
    );
    await runOperator(
      {
        leaderElect: false,
        leaseName: 'schema-operator',
        leaseNamespace: 'default',
        bindAddress: '127.0.0.1:0',
        workers: 4,
        logLevel: o.logLevel,
        onStarted: ({ healthUrl }) =>
          say(
            `operator running as ${OPERATOR_USERNAME}; health and metrics at ${healthUrl ?? '(none)'}`,
          ),
      },
      operatorClient,
    );
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

async function applyExamples(client: KubeClient): Promise<string[]> {
  const dir = join(packageRoot(), 'examples');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const objects: Unstructured[] = [];
  for (const f of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, f), 'utf8'))) {
      const obj = doc.toJS() as Unstructured | null;
      if (obj?.kind && KINDS[obj.kind]) objects.push(obj);
    }
  }
  return applyObjects(client, objects);
}

/** Creates each object, skipping ones that exist; returns `kind/name` of each. */
async function applyObjects(client: KubeClient, objects: KubeObject[]): Promise<string[]> {
  const done: string[] = [];
  for (const obj of objects) {
    const r = client.resource<KubeObject>(KINDS[obj.kind!]!);
    const key = { namespace: obj.metadata.namespace, name: obj.metadata.name ?? '' };
    if (!(await r.find(key))) await r.create(obj);
    done.push(`${obj.kind}/${key.name}`);
  }
  return done;
}

function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function dbSecret(url: string): SecretObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'streamspace-db', namespace: 'streamspace' },
    type: 'Opaque',
    stringData: { url },
  };
}
