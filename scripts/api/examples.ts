/**
 * One example of each kind, shown in docs/crds.md and checked by the unit
 * tests against the CRDs (schema and CEL rules), so the documentation cannot
 * show an object the apiserver would refuse.
 */
import type { Organization, SchemaMigration } from '../../src/api/generated.js';

/** The StreamSpace API schema from the image's bundled migrations, up to 008. */
export const exampleSchemaMigration: SchemaMigration = {
  apiVersion: 'schema.streamspace.io/v1alpha1',
  kind: 'SchemaMigration',
  metadata: { name: 'streamspace-api', namespace: 'streamspace' },
  spec: {
    database: { urlSecretRef: { name: 'streamspace-db', key: 'url' } },
    source: { bundled: 'streamspace' },
    targetVersion: '008',
    policy: { lockTimeout: '5s', statementTimeout: '30m', maxRetries: 10 },
  },
};

/** A tenant with a namespace of its own, written to the database of the example above. */
export const exampleOrganization: Organization = {
  apiVersion: 'schema.streamspace.io/v1alpha1',
  kind: 'Organization',
  metadata: { name: 'acme' },
  spec: {
    displayName: 'Acme Corp',
    description: 'Rockets, anvils and portable holes.',
    namespace: 'acme',
    deletionPolicy: 'Retain',
    databaseRef: { namespace: 'streamspace', name: 'streamspace-api' },
  },
};
