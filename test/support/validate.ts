/**
 * Test support: validates an object against a CRD's structural schema the
 * way the apiserver does for the parts our CRDs use (defaults, types,
 * required, unknown fields, enum, pattern, lengths, bounds, list-map keys and
 * CEL rules, transition rules only on update). Just enough to test the CRDs
 * on sample objects; the devcluster has the full validator.
 */
import type { SchemaNode } from '../../src/api/index.js';
import { evalRule, isTransitionRule } from './cel.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A copy of `value` with the schema's defaults filled in, as the apiserver stores it. */
export function withDefaults<T>(node: SchemaNode, value: T): T {
  const v = structuredClone(value) as unknown;
  fill(node, v);
  return v as T;
}

function fill(node: SchemaNode, v: unknown): void {
  if (Array.isArray(v) && node.items) for (const x of v) fill(node.items, x);
  if (!isObject(v) || !node.properties) return;
  for (const [key, child] of Object.entries(node.properties)) {
    if (v[key] === undefined && child.default !== undefined)
      v[key] = structuredClone(child.default);
    if (v[key] !== undefined) fill(child, v[key]);
  }
}

/**
 * The validation errors of `obj` (a create) or of `obj` replacing `old` (an
 * update), each as `path: problem`. Defaults are applied to both first.
 */
export function validate(root: SchemaNode, obj: unknown, old?: unknown): string[] {
  const errors: string[] = [];
  const cur = withDefaults(root, obj);
  check(root, cur, old === undefined ? undefined : withDefaults(root, old), '', errors);
  return errors;
}

function check(node: SchemaNode, v: unknown, old: unknown, path: string, errors: string[]): void {
  const at = path || '<root>';
  const typeError = wrongType(node, v);
  if (typeError) {
    errors.push(`${at}: ${typeError}`);
    return;
  }
  if (typeof v === 'string') checkString(node, v, at, errors);
  if (typeof v === 'number') {
    if (node.minimum !== undefined && v < node.minimum) errors.push(`${at}: below ${node.minimum}`);
    if (node.maximum !== undefined && v > node.maximum) errors.push(`${at}: above ${node.maximum}`);
  }
  if (Array.isArray(v)) checkArray(node, v, path, errors);
  if (isObject(v) && node.properties) {
    for (const r of node.required ?? [])
      if (v[r] === undefined) errors.push(`${at}.${r}: required`);
    for (const [key, x] of Object.entries(v)) {
      const child = node.properties[key];
      if (!child) errors.push(`${path}.${key}: unknown field`);
      else check(child, x, isObject(old) ? old[key] : undefined, `${path}.${key}`, errors);
    }
  }
  for (const r of node['x-kubernetes-validations'] ?? []) {
    const transition = isTransitionRule(r.rule);
    if (transition && old === undefined) continue;
    try {
      if (!evalRule(r.rule, v, transition ? old : undefined))
        errors.push(`${at}: ${r.message ?? r.rule}`);
    } catch (e) {
      errors.push(`${at}: ${(e as Error).message}`);
    }
  }
}

function wrongType(node: SchemaNode, v: unknown): string | undefined {
  const ok =
    node.type === undefined ||
    (node.type === 'object' && isObject(v)) ||
    (node.type === 'array' && Array.isArray(v)) ||
    (node.type === 'string' && typeof v === 'string') ||
    (node.type === 'integer' && Number.isInteger(v)) ||
    (node.type === 'number' && typeof v === 'number') ||
    (node.type === 'boolean' && typeof v === 'boolean');
  return ok ? undefined : `expected ${node.type}, got ${JSON.stringify(v)}`;
}

function checkString(node: SchemaNode, v: string, at: string, errors: string[]): void {
  const len = [...v].length;
  if (node.enum && !node.enum.includes(v)) errors.push(`${at}: ${JSON.stringify(v)} not in enum`);
  if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(v)) {
    errors.push(`${at}: ${JSON.stringify(v)} does not match ${node.pattern}`);
  }
  if (node.minLength !== undefined && len < node.minLength) errors.push(`${at}: too short`);
  if (node.maxLength !== undefined && len > node.maxLength) errors.push(`${at}: too long`);
  if (node.format === 'date-time' && !DATE_TIME.test(v)) errors.push(`${at}: not a date-time`);
}

function checkArray(node: SchemaNode, v: unknown[], path: string, errors: string[]): void {
  if (node.minItems !== undefined && v.length < node.minItems)
    errors.push(`${path}: too few items`);
  if (node.maxItems !== undefined && v.length > node.maxItems)
    errors.push(`${path}: too many items`);
  const keys = node['x-kubernetes-list-type'] === 'map' ? node['x-kubernetes-list-map-keys'] : [];
  const seen = new Set<string>();
  v.forEach((x, i) => {
    if (keys?.length && isObject(x)) {
      const key = JSON.stringify(keys.map((k) => x[k]));
      if (seen.has(key)) errors.push(`${path}[${i}]: duplicate entry ${key}`);
      seen.add(key);
    }
    // Old items are not correlated: no rule in our CRDs sits inside a list.
    if (node.items) check(node.items, x, undefined, `${path}[${i}]`, errors);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
