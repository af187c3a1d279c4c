/**
 * The rows of test/unit/cli/install-policy.test.ts about the objects an
 * OrganizationClass puts in an organization's namespace (ResourceQuotas,
 * LimitRanges, NetworkPolicies, RoleBindings), and the fixtures they act on:
 * in org-b's namespace, a LimitRange and a RoleBinding the operator labelled
 * as its own, and one of each that someone else made.
 */
import { expect } from 'chai';

/** One request of a row. */
export type Request = { method: string; path: string; body?: unknown; type?: string };
/** [what, request against the fixtures, allowed for the operator] */
export type Row = [string, Request, boolean];

/** The content type of a JSON merge patch. */
export const MERGE_PATCH = 'application/merge-patch+json';

/** The labels on every object an OrganizationClass makes the operator create. */
const managedLabels = (org: string) => ({
  'app.kubernetes.io/managed-by': 'schema-operator',
  'schema.streamspace.io/organization': org,
});
const quota = (name: string, org: string) => ({
  metadata: { name, labels: managedLabels(org) },
  spec: { hard: { pods: '10' } },
});
const roleBinding = (name: string, org: string | undefined) => ({
  metadata: { name, ...(org ? { labels: managedLabels(org) } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
  subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'admins' }],
});
const lrPath = (name: string) => `/api/v1/namespaces/org-b/limitranges/${name}`;
const rbPath = (name: string) =>
  `/apis/rbac.authorization.k8s.io/v1/namespaces/org-b/rolebindings/${name}`;

/** Creates, as the admin, the objects {@link CLASS_ROWS} act on (org-b must exist). */
export async function classFixtures(
  admin: (method: string, path: string, body: unknown) => Promise<{ status: number }>,
): Promise<void> {
  const limits = { limits: [{ type: 'Container', default: { cpu: '2' } }] };
  const rbs = '/apis/rbac.authorization.k8s.io/v1/namespaces/org-b/rolebindings';
  for (const [path, body] of [
    [
      '/api/v1/namespaces/org-b/limitranges',
      { metadata: { name: 'organization', labels: managedLabels('org-b') }, spec: limits },
    ],
    ['/api/v1/namespaces/org-b/limitranges', { metadata: { name: 'theirs' }, spec: limits }],
    [rbs, roleBinding('managed', 'org-b')],
    [rbs, roleBinding('theirs', undefined)],
  ] as const)
    expect((await admin('POST', path, body)).status, path).to.equal(201);
}

/** What the operator may do to what a class manages, and what it may not. */
export const CLASS_ROWS: Row[] = [
  [
    'creating a labelled ResourceQuota in its Organization’s namespace',
    { method: 'POST', path: '/api/v1/namespaces/org-b/resourcequotas', body: quota('q1', 'org-b') },
    true,
  ],
  [
    'creating a ResourceQuota labelled for another Organization',
    { method: 'POST', path: '/api/v1/namespaces/org-b/resourcequotas', body: quota('q2', 'x') },
    false,
  ],
  [
    'creating an unlabelled ResourceQuota',
    {
      method: 'POST',
      path: '/api/v1/namespaces/org-b/resourcequotas',
      body: { metadata: { name: 'q3' }, spec: { hard: { pods: '1' } } },
    },
    false,
  ],
  [
    'creating a labelled RoleBinding in the shared namespace',
    {
      method: 'POST',
      path: '/apis/rbac.authorization.k8s.io/v1/namespaces/streamspace/rolebindings',
      body: roleBinding('rb1', 'streamspace'),
    },
    false,
  ],
  [
    'creating a labelled RoleBinding in a namespace no Organization has',
    {
      method: 'POST',
      path: '/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings',
      body: roleBinding('rb2', 'apps'),
    },
    false,
  ],
  [
    'repairing a LimitRange it manages',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: lrPath('organization'),
      body: { spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] } },
    },
    true,
  ],
  [
    'dropping its labels from a LimitRange it manages',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: lrPath('organization'),
      body: { metadata: { labels: { 'app.kubernetes.io/managed-by': null } } },
    },
    false,
  ],
  [
    'changing a LimitRange someone else made',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: lrPath('theirs'),
      body: { spec: { limits: [{ type: 'Container', default: { cpu: '1' } }] } },
    },
    false,
  ],
  [
    'labelling someone else’s LimitRange as its own',
    {
      method: 'PATCH',
      type: MERGE_PATCH,
      path: lrPath('theirs'),
      body: { metadata: { labels: managedLabels('org-b') } },
    },
    false,
  ],
  ['deleting a RoleBinding someone else made', { method: 'DELETE', path: rbPath('theirs') }, false],
  ['deleting a RoleBinding it manages', { method: 'DELETE', path: rbPath('managed') }, true],
];
