/**
 * The CRD reference (docs/crds.md) from the CRDs themselves: every field with
 * its type, default, validation and description, the printer columns, and an
 * example of each kind. A pure function; `npm run gen:api` writes the result
 * (formatted) and a unit test fails when the committed file differs.
 */
import { stringify } from 'yaml';
import { constraints, defaultLabel, typeLabel } from './constraints.js';
import { storageVersion, type Crd, type SchemaNode } from '../../src/api/schema.js';

/** What goes into the reference besides the CRDs. */
export interface DocgenOptions {
  /** An example object of each kind, by kind; shown as YAML under the kind. */
  examples?: Record<string, object>;
}

/** One row of a field table. */
interface FieldRow {
  path: string;
  node: SchemaNode;
  required: boolean;
}

/** The Markdown reference for `crds`, in their order. Output is valid but unformatted. */
export function generateDoc(crds: Crd[], options: DocgenOptions = {}): string {
  const parts = [
    '# CRD reference',
    '',
    '<!-- Generated from crds/ by src/api/docgen.ts: do not edit. Run `npm run gen:api`. -->',
    '',
    `The operator's custom resources. The YAML in \`crds/\` is the source of truth; ` +
      `this page and \`src/api/generated.ts\` are generated from it.`,
    '',
    ...crds.map((crd) => `- [${crd.spec.names.kind}](#${crd.spec.names.kind.toLowerCase()})`),
    '',
  ];
  for (const crd of crds) parts.push(...kindSection(crd, options.examples?.[crd.spec.names.kind]));
  return parts.join('\n');
}

function kindSection(crd: Crd, example: object | undefined): string[] {
  const { names, group, scope } = crd.spec;
  const version = storageVersion(crd);
  const root = version.schema.openAPIV3Schema;
  const out = [
    `## ${names.kind}`,
    '',
    `\`${group}/${version.name}\`, ${scope === 'Cluster' ? 'cluster-scoped' : 'namespaced'}; ` +
      `plural \`${names.plural}\`` +
      (names.shortNames?.length ? `, short name ${names.shortNames.map(code).join(', ')}` : '') +
      (names.categories?.length ? `, categories ${names.categories.map(code).join(', ')}` : '') +
      (version.subresources?.status ? '; status subresource' : '') +
      '.',
    '',
    escapeText(root.description ?? ''),
    '',
  ];
  const objectRules = root['x-kubernetes-validations'] ?? [];
  if (objectRules.length > 0) {
    out.push('Rules on the whole object:', '');
    for (const r of objectRules) out.push(`- ${code(r.rule)}${r.message ? `: ${r.message}` : ''}`);
    out.push('');
  }
  const columns = version.additionalPrinterColumns ?? [];
  if (columns.length > 0) {
    out.push(
      '### Printer columns',
      '',
      '| Name | Type | JSONPath | Description |',
      '| --- | --- | --- | --- |',
    );
    for (const c of columns) {
      const where = c.priority ? ' (wide output only)' : '';
      out.push(
        `| ${c.name} | ${c.type} | ${code(c.jsonPath)} | ${cell((c.description ?? '') + where)} |`,
      );
    }
    out.push('');
  }
  for (const top of ['spec', 'status']) {
    const node = root.properties?.[top];
    if (!node) continue;
    out.push(`### ${top}`, '', escapeText(node.description ?? ''), '');
    const rows = fieldRows(node, top, root.required?.includes(top) ?? false);
    out.push(
      '| Field | Type | Default | Validation | Description |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(row),
      '',
    );
  }
  if (example) {
    out.push('### Example', '', '```yaml', stringify(example).trimEnd(), '```', '');
  }
  return out;
}

/** Every field under `node`, depth first, with its path (`a.b[].c`); `node` itself first. */
function fieldRows(node: SchemaNode, path: string, required: boolean): FieldRow[] {
  const rows: FieldRow[] = [{ path, node, required }];
  const obj = node.type === 'array' ? node.items : node;
  const base = node.type === 'array' ? `${path}[]` : path;
  if (obj?.properties) {
    const req = new Set(obj.required ?? []);
    for (const [key, child] of Object.entries(obj.properties)) {
      rows.push(...fieldRows(child, `${base}.${key}`, req.has(key)));
    }
  }
  return rows;
}

function row({ path, node, required }: FieldRow): string {
  const rules = constraints(node).map((c) => c.replace(/`([^`]*)`/g, (_, x: string) => code(x)));
  if (required) rules.unshift('required');
  const def = defaultLabel(node);
  return (
    `| ${code(path)} | ${typeLabel(node)} | ${def === undefined ? '' : code(def)} | ` +
    `${rules.map(cell).join('<br>')} | ${cell(escapeText(node.description ?? ''))} |`
  );
}

/** Inline code that survives a table cell: pipes escaped, backticks fenced. */
function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  const pad = s.includes('`') ? ' ' : '';
  return `${fence}${pad}${s.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function cell(s: string): string {
  return s.replace(/\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

/** Prose from the schema, with angle brackets shown rather than read as HTML. */
function escapeText(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
