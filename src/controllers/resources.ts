/**
 * The API resources the controllers read and write, declared once: a
 * controller that needs another kind's resource (the Organization controller
 * reads SchemaMigrations, the pod gate too) takes it from here, never from
 * that kind's controller.
 */
import {
  GROUP,
  ORGANIZATION,
  ORGANIZATION_CLASS,
  SCHEMA_MIGRATION,
  VERSION,
} from '../api/index.js';
import type { ResourceRef } from '../kube/index.js';

/** The SchemaMigration resource. */
export const schemaMigrations = {
  group: GROUP,
  version: VERSION,
  plural: SCHEMA_MIGRATION.plural,
  namespaced: true,
} satisfies ResourceRef;

/** The Organization resource (cluster-scoped). */
export const organizations = {
  group: GROUP,
  version: VERSION,
  plural: ORGANIZATION.plural,
  namespaced: false,
} satisfies ResourceRef;

/** The OrganizationClass resource (cluster-scoped). */
export const organizationClasses = {
  group: GROUP,
  version: VERSION,
  plural: ORGANIZATION_CLASS.plural,
  namespaced: false,
} satisfies ResourceRef;

/** Core Secrets: read one at a time by name (secret-reader.ts), never listed. */
export const secrets = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  namespaced: true,
} satisfies ResourceRef;

/** Core Namespaces (cluster-scoped). */
export const namespaces = {
  group: '',
  version: 'v1',
  plural: 'namespaces',
  namespaced: false,
} satisfies ResourceRef;

/** Core Pods. */
export const pods = {
  group: '',
  version: 'v1',
  plural: 'pods',
  namespaced: true,
} satisfies ResourceRef;

/** Core ResourceQuotas (an OrganizationClass's quota). */
export const resourceQuotas = {
  group: '',
  version: 'v1',
  plural: 'resourcequotas',
  namespaced: true,
} satisfies ResourceRef;

/** Core LimitRanges (an OrganizationClass's default limits). */
export const limitRanges = {
  group: '',
  version: 'v1',
  plural: 'limitranges',
  namespaced: true,
} satisfies ResourceRef;

/** NetworkPolicies (an OrganizationClass's isolation). */
export const networkPolicies = {
  group: 'networking.k8s.io',
  version: 'v1',
  plural: 'networkpolicies',
  namespaced: true,
} satisfies ResourceRef;

/** RoleBindings (an OrganizationClass's access). */
export const roleBindings = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  plural: 'rolebindings',
  namespaced: true,
} satisfies ResourceRef;
