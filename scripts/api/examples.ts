/**
 * One example of each kind, shown in docs/crds.md and checked by the unit
 * tests against the CRDs (schema and CEL rules), so the documentation cannot
 * show an object the apiserver would refuse.
 */
import type { Organization, OrganizationClass, SchemaMigration } from '../../src/api/generated.js';

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
    className: 'standard',
    databaseRef: { namespace: 'streamspace', name: 'streamspace-api' },
  },
};

/** The default class of StreamSpace tenants: isolated, restricted, its controller allowed in. */
export const exampleOrganizationClass: OrganizationClass = {
  apiVersion: 'schema.streamspace.io/v1alpha1',
  kind: 'OrganizationClass',
  metadata: { name: 'standard', annotations: { 'schema.streamspace.io/is-default-class': 'true' } },
  spec: {
    podSecurity: 'restricted',
    resourceQuota: { hard: { pods: '50', 'requests.cpu': '20', 'requests.memory': '64Gi' } },
    limitRange: {
      limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' } }],
    },
    networkIsolation: { mode: 'Organization', allowFromNamespaces: ['streamspace'] },
    roleBindings: [
      {
        name: 'streamspace-controller',
        clusterRole: 'edit',
        subjects: [
          { kind: 'ServiceAccount', name: 'streamspace-controller', namespace: 'streamspace' },
        ],
      },
      {
        name: 'org-admins',
        clusterRole: 'view',
        subjects: [{ kind: 'Group', name: 'org:${organization}:admins' }],
      },
    ],
  },
};
