/**
 * The objects of a fleet, shared by the sharding test and the fleet
 * benchmark: SchemaMigrations with a small inline migration set (three
 * files: the `organizations` table the Organization controller writes, a
 * table that references it, an index), Organizations with a shard label,
 * and helpers to create many objects at once and to count the Ready ones.
 */
import { API_VERSION, type Organization, type SchemaMigration } from '../../src/api/index.js';
import type { KubeObject, ResourceClient } from '../../src/kube/index.js';

/**
 * The migration set of every fleet SchemaMigration, inline in the CR: small
 * on purpose, so hundreds of databases migrate in seconds, yet with the
 * columns the Organization upsert writes (as the bundled 006 defines them).
 */
export const FLEET_MIGRATIONS = [
  {
    version: '001',
    name: 'organizations',
    sql: `CREATE TABLE organizations (
  id            varchar(255) PRIMARY KEY,
  name          varchar(255) UNIQUE NOT NULL,
  display_name  varchar(255) NOT NULL,
  description   text,
  k8s_namespace varchar(255) NOT NULL DEFAULT 'streamspace',
  status        varchar(50) DEFAULT 'active',
  created_at    timestamp DEFAULT CURRENT_TIMESTAMP,
  updated_at    timestamp DEFAULT CURRENT_TIMESTAMP
);`,
  },
  {
    version: '002',
    name: 'sessions',
    sql: 'CREATE TABLE sessions (id bigserial PRIMARY KEY, org_id varchar(255) REFERENCES organizations (id));',
  },
  {
    version: '003',
    name: 'sessions_org_index',
    sql: 'CREATE INDEX sessions_org_id ON sessions (org_id);',
  },
];

/** A SchemaMigration of the fleet: its database URL in Secret `secret` (key `url`). */
export function fleetSchemaMigration(o: {
  namespace: string;
  name: string;
  secret: string;
  labels?: Record<string, string>;
}): SchemaMigration {
  return {
    apiVersion: API_VERSION,
    kind: 'SchemaMigration',
    metadata: { name: o.name, namespace: o.namespace, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      database: { urlSecretRef: { name: o.secret, key: 'url' } },
      source: { inline: FLEET_MIGRATIONS.map((m) => ({ ...m, transactional: true })) },
      // The fleet's Organizations write their rows here.
      allowOrganizations: true,
    },
  } as SchemaMigration;
}

/** An Organization with a namespace of its own, named after it. */
export function fleetOrganization(o: {
  name: string;
  databaseRef: { namespace: string; name: string };
  labels?: Record<string, string>;
}): Organization {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    metadata: { name: o.name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: { displayName: `Organization ${o.name}`, namespace: o.name, databaseRef: o.databaseRef },
  } as Organization;
}

/** Creates `objects` with at most `concurrency` requests in flight (a big `kubectl apply` is one by one). */
export async function createAll<T extends KubeObject>(
  client: ResourceClient<T>,
  objects: T[],
  concurrency = 32,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, objects.length) }, async () => {
      for (let i = next++; i < objects.length; i = next++) await client.create(objects[i]!);
    }),
  );
}
