/**
 * Human-readable summaries of a schema node's validation, shared by the
 * generated TypeScript doc comments and the CRD reference so that both say
 * the same thing in the same words.
 */
import type { SchemaNode } from '../../src/api/schema.js';

/** The node's type as a reader would name it: `string (date-time)`, `[]object`, `integer`. */
export function typeLabel(node: SchemaNode): string {
  if (node.type === 'array') return `[]${node.items ? typeLabel(node.items) : 'unknown'}`;
  const t = node.type ?? 'unknown';
  return node.format ? `${t} (${node.format})` : t;
}

/** The default as JSON, or undefined when there is none. */
export function defaultLabel(node: SchemaNode): string | undefined {
  return node.default === undefined ? undefined : JSON.stringify(node.default);
}

/**
 * Each validation the apiserver applies to this node, one phrase each:
 * enum, pattern, length, item count and numeric bounds, list semantics and
 * CEL rules (with their messages). Empty when there are none.
 */
export function constraints(node: SchemaNode): string[] {
  const out: string[] = [];
  if (node.enum) out.push(`one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (node.pattern !== undefined) out.push(`pattern \`${node.pattern}\``);
  const len = range(node.minLength, node.maxLength);
  if (len) out.push(`length ${len}`);
  const items = range(node.minItems, node.maxItems);
  if (items) out.push(`items ${items}`);
  const value = range(node.minimum, node.maximum);
  if (value) out.push(`value ${value}`);
  if (node['x-kubernetes-list-type'] === 'map') {
    out.push(`unique by ${(node['x-kubernetes-list-map-keys'] ?? []).join(', ')}`);
  } else if (node['x-kubernetes-list-type'] === 'set') {
    out.push('unique items');
  }
  for (const r of node['x-kubernetes-validations'] ?? []) {
    out.push(`rule \`${r.rule}\`${r.message ? `: ${r.message}` : ''}`);
  }
  return out;
}

function range(min: number | undefined, max: number | undefined): string | undefined {
  if (min === undefined && max === undefined) return undefined;
  if (max === undefined) return `>= ${min}`;
  if (min === undefined) return `<= ${max}`;
  return `${min}..${max}`;
}
