/**
 * `kubectl schema orgs`: one row per Organization: its phase, whether its
 * row is written (DatabaseSynced), its namespace and whether that is ready
 * (NamespaceReady), and its class.
 */
import { OrganizationConditions, type Condition, type Organization } from '../../api/index.js';
import { conditionStatus } from './migration-rows.js';
import { age } from './table.js';

/** The column titles. */
export const ORGANIZATION_HEADER = [
  'NAME',
  'PHASE',
  'ROW',
  'NAMESPACE',
  'NAMESPACE-STATE',
  'CLASS',
  'AGE',
];

/** The cells of one Organization; `-` where the status says nothing yet. */
export function organizationRow(org: Organization, now: Date): string[] {
  const s = org.status ?? {};
  return [
    org.metadata.name ?? '',
    s.phase ?? '-',
    state(s.conditions, OrganizationConditions.DatabaseSynced, 'Written'),
    organizationNamespace(org) ?? '-',
    state(s.conditions, OrganizationConditions.NamespaceReady, 'Ready'),
    s.className || org.spec.className || '-',
    age(org.metadata.creationTimestamp, now),
  ];
}

/** The tenant namespace: what the operator ensured, else what the spec asks for. */
export function organizationNamespace(org: Organization): string | undefined {
  return org.status?.namespace || org.spec.namespace || undefined;
}

/** `done` when the condition is True, else its reason (why not), `-` before it is written. */
function state(conditions: Condition[] | undefined, type: string, done: string): string {
  const c = conditions?.find((x) => x.type === type);
  if (!c) return conditionStatus(conditions, type);
  return c.status === 'True' ? done : c.reason || c.status;
}
