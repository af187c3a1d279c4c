/**
 * Which requests a ValidatingAdmissionPolicy (or its binding) matches:
 * `matchConstraints` / `matchResources` as kube-apiserver reads them:
 * resourceRules and excludeResourceRules (groups, versions, operations,
 * `resource`, `resource/*`, `*`, `*\/subresource`, scope, resourceNames),
 * namespaceSelector and objectSelector (matchLabels and matchExpressions).
 */
import { isRecord, type KubeObject } from './object.js';
import type { ResourceType } from './resources.js';

/** The admission operations. */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** One request as admission sees it. */
export interface AdmissionAttributes {
  type: ResourceType;
  operation: Operation;
  /** '' for cluster-scoped resources. */
  namespace: string;
  name: string;
  subresource: string;
  /** The new object (null on DELETE). */
  object: KubeObject | null;
  /** The stored object (null on CREATE). */
  oldObject: KubeObject | null;
  /** The request's namespace (namespaced resources), for namespaceSelector and `namespaceObject`. */
  namespaceObject?: KubeObject;
}

type Obj = Record<string, unknown>;

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function listed(list: string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

function resourceMatches(patterns: string[], resource: string, sub: string): boolean {
  return patterns.some((p) => {
    const [pr, ps] = p.split('/', 2) as [string, string | undefined];
    if (pr !== '*' && pr !== resource) return false;
    if (ps === undefined) return sub === '';
    return ps === '*' || ps === sub;
  });
}

/** Whether one NamedRuleWithOperations matches `a`. */
export function ruleMatches(rule: unknown, a: AdmissionAttributes): boolean {
  if (!isRecord(rule)) return false;
  const scope = typeof rule.scope === 'string' ? rule.scope : '*';
  if (scope === 'Cluster' && a.type.namespaced) return false;
  if (scope === 'Namespaced' && !a.type.namespaced) return false;
  const names = strings(rule.resourceNames);
  return (
    listed(strings(rule.apiGroups), a.type.group) &&
    listed(strings(rule.apiVersions), a.type.version) &&
    listed(strings(rule.operations), a.operation) &&
    resourceMatches(strings(rule.resources), a.type.resource, a.subresource) &&
    (names.length === 0 || names.includes(a.name))
  );
}

/** Whether a metav1.LabelSelector selects `labels` (an absent selector selects everything). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(selector)) return true;
  const ml = isRecord(selector.matchLabels) ? selector.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return exprs.every((e: unknown) => {
    if (!isRecord(e) || typeof e.key !== 'string') return false;
    const values = strings(e.values);
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[e.key]!);
      case 'NotIn':
        return !has || !values.includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

function labelsOf(o: KubeObject | null): Record<string, string> {
  return o?.metadata?.labels ?? {};
}

/**
 * Whether a MatchResources (`spec.matchConstraints` of a policy,
 * `spec.matchResources` of a binding) matches `a`; `undefined` matches all
 * (a binding without matchResources takes the policy's).
 */
export function resourcesMatch(match: unknown, a: AdmissionAttributes): boolean {
  if (match === undefined || match === null) return true;
  if (!isRecord(match)) return false;
  const m: Obj = match;
  const rules = Array.isArray(m.resourceRules) ? m.resourceRules : [];
  if (rules.length > 0 && !rules.some((r) => ruleMatches(r, a))) return false;
  const excluded = Array.isArray(m.excludeResourceRules) ? m.excludeResourceRules : [];
  if (excluded.some((r) => ruleMatches(r, a))) return false;
  const objectSelected =
    selectorMatches(m.objectSelector, labelsOf(a.object)) ||
    (a.oldObject !== null && selectorMatches(m.objectSelector, labelsOf(a.oldObject)));
  if (!objectSelected) return false;
  // A Namespace is selected by its own labels; other cluster-scoped objects are never filtered.
  if (a.type.group === '' && a.type.resource === 'namespaces')
    return selectorMatches(m.namespaceSelector, labelsOf(a.object ?? a.oldObject));
  if (!a.type.namespaced) return true;
  return selectorMatches(m.namespaceSelector, labelsOf(a.namespaceObject ?? null));
}
