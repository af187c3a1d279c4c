/**
 * The objects the end-to-end suites apply with kubectl, as plain objects
 * (serialized to YAML by the harness), and the usual setup of one scenario:
 * a namespace, a fresh database, the Secret with its URL and a ConfigMap.
 */
import { expect } from 'chai';
import { API_VERSION, type SchemaMigration } from '../../src/api/index.js';
import { apply, eventsIn, kubectlIn, readSmig, type OperatorEnv } from './operator.js';

/** A Namespace. */
export function namespace(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** A ConfigMap whose keys are migration files. */
export function configMap(ns: string, name: string, files: Record<string, string>): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: files };
}

/** The Secret holding the database URL under key `url`. */
export function dbSecret(ns: string, name: string, url: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: ns },
    type: 'Opaque',
    stringData: { url },
  };
}

/** What a test SchemaMigration varies. */
export interface SmigOptions {
  /** ConfigMap names (default `[NAME-migrations]`). */
  configMaps?: string[];
  /** Secret name (default `db`). */
  secret?: string;
  historyTable?: { schema?: string; name?: string };
  suspend?: boolean;
  labels?: Record<string, string>;
  /** spec.allowOrganizations: Organizations may write this database. */
  allowOrganizations?: boolean;
  /** spec.drift.interval (e.g. `1s`: a drift check, so a resync, every second). */
  drift?: string;
}

/** A SchemaMigration reading ConfigMaps. */
export function schemaMigration(ns: string, name: string, o: SmigOptions = {}): SchemaMigration {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name, namespace: ns, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      database: { urlSecretRef: { name: o.secret ?? 'db', key: 'url' } },
      source: { configMaps: (o.configMaps ?? [`${name}-migrations`]).map((n) => ({ name: n })) },
      ...(o.historyTable ? { historyTable: o.historyTable } : {}),
      ...(o.suspend !== undefined ? { suspend: o.suspend } : {}),
      ...(o.allowOrganizations ? { allowOrganizations: true } : {}),
      ...(o.drift ? { drift: { interval: o.drift } } : {}),
    },
  } as SchemaMigration;
}

/** Numbered migration files: `files(['CREATE ...', ...])` → `001_m1.sql`, ... */
export function files(sqls: string[], first = 1): Record<string, string> {
  const out: Record<string, string> = {};
  sqls.forEach((sql, i) => {
    const n = first + i;
    out[`${String(n).padStart(3, '0')}_m${n}.sql`] = sql;
  });
  return out;
}

/**
 * Asserts that `secret` (the database password) appears nowhere: not in any
 * operator's output, nor in any Event or SchemaMigration status of `namespaces`.
 */
export async function expectNoSecretAnywhere(
  env: OperatorEnv,
  secret: string,
  namespaces: string[],
): Promise<void> {
  expect(secret.length).to.be.greaterThan(5);
  for (const [i, p] of env.operators.entries()) {
    expect(p.output().length, `operator ${i} printed nothing`).to.be.greaterThan(0);
    expect(p.output().includes(secret), `operator ${i} logged the password`).to.equal(false);
  }
  for (const ns of namespaces) {
    const events = JSON.stringify(await eventsIn(env, ns));
    expect(events.includes(secret), `an Event in ${ns} holds the password`).to.equal(false);
    const r = await kubectlIn(env, ['get', 'smig', '-n', ns, '-o', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const statuses = JSON.stringify(
      (JSON.parse(r.stdout) as { items: SchemaMigration[] }).items.map((o) => o.status),
    );
    expect(statuses.includes(secret), `a status in ${ns} holds the password`).to.equal(false);
  }
}

/** Creates the namespace, the Secret `db` with `url`, and the ConfigMap `NAME-migrations`. */
export async function prepare(
  env: OperatorEnv,
  ns: string,
  name: string,
  url: string,
  migrations: Record<string, string>,
): Promise<void> {
  await apply(
    env,
    namespace(ns),
    dbSecret(ns, 'db', url),
    configMap(ns, `${name}-migrations`, migrations),
  );
}

/** The stored generation of a SchemaMigration. */
export async function generationOf(env: OperatorEnv, ns: string, name: string): Promise<number> {
  return (await readSmig(env, ns, name))?.metadata?.generation ?? -1;
}
