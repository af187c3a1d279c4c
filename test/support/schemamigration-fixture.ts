/**
 * The SchemaMigration the controller unit tests start from: `ns/api`,
 * generation 1, its URL in Secret `db` and its files in ConfigMap `m`.
 */
import type { SchemaMigration } from '../../src/api/index.js';

/** A fresh copy, with `metadata` merged over the defaults. */
export function testSmig(metadata: Partial<SchemaMigration['metadata']> = {}): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: 1, uid: 'u1', ...metadata },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { configMaps: [{ name: 'm' }] },
    },
  };
}
