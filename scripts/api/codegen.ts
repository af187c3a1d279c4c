/**
 * TypeScript declarations from the CRDs' openAPIV3Schemas, so that the types
 * the controllers use cannot drift from what the apiserver validates. A pure
 * function of its input: `npm run gen:api` writes the result (formatted) to
 * src/api/generated.ts and a unit test fails when the committed file differs.
 */
import { constraints, defaultLabel } from './constraints.js';
import { storageVersion, type Crd, type SchemaNode } from '../../src/api/schema.js';

/** What to call the generated types. */
export interface CodegenOptions {
  /**
   * Type names by schema path, `Kind.spec.source.inline[]` (`[]` for the items
   * of a list). Objects not listed are named after their parent and field
   * (`SchemaMigrationSpec`); enums not listed are written inline.
   */
  typeNames?: Record<string, string>;
}

/** Thrown when two schemas would generate different declarations under one name. */
export class TypeNameClashError extends Error {
  constructor(readonly typeName: string) {
    super(`two different schemas are both named ${typeName}: give one another name in typeNames`);
    this.name = 'TypeNameClashError';
  }
}

const PENDING = '';

const HEADER = `// Generated from crds/ by src/api/codegen.ts: do not edit. Run \`npm run gen:api\`.
import type { ObjectMeta } from './meta.js';
`;

/**
 * The declarations for every CRD's storage version: the kind, its List, and
 * one interface per object schema. A field is optional unless the schema
 * requires it (fields with defaults are optional too: they are absent until
 * the apiserver defaults them). Identical declarations shared by two kinds
 * (metav1.Condition) are emitted once. Output is valid but unformatted.
 */
export function generateTypes(crds: Crd[], options: CodegenOptions = {}): string {
  // Insertion order is output order: a name is reserved before its fields
  // are generated so that every type comes before the types it uses.
  const decls = new Map<string, string>();
  const reserve = (name: string): void => {
    if (!decls.has(name)) decls.set(name, PENDING);
  };
  const emit = (name: string, text: string): void => {
    const seen = decls.get(name);
    if (seen !== undefined && seen !== PENDING && seen !== text) throw new TypeNameClashError(name);
    decls.set(name, text);
  };
  const names = options.typeNames ?? {};

  const typeOf = (node: SchemaNode, path: string, fallback: string): string => {
    switch (node.type) {
      case 'string':
        return node.enum ? enumType(node, names[path], emit) : 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array': {
        const item = node.items ? typeOf(node.items, `${path}[]`, singular(fallback)) : 'unknown';
        return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
      }
      case 'object': {
        if (!node.properties) return 'Record<string, unknown>';
        const name = names[path] ?? fallback;
        reserve(name);
        emit(name, objectDecl(name, node, path));
        return name;
      }
      default:
        return 'unknown';
    }
  };

  const objectDecl = (name: string, node: SchemaNode, path: string): string => {
    const required = new Set(node.required ?? []);
    const fields = Object.entries(node.properties ?? {}).map(([key, child]) => {
      const t = typeOf(child, `${path}.${key}`, name + pascal(key));
      return `${docComment(fieldDoc(child))}  ${propKey(key)}${required.has(key) ? '' : '?'}: ${t};\n`;
    });
    return `${docComment(fieldDoc(node), '')}export interface ${name} {\n${fields.join('')}}\n`;
  };

  for (const crd of crds) {
    const { kind, listKind = `${kind}List` } = crd.spec.names;
    const version = storageVersion(crd);
    const root = version.schema.openAPIV3Schema;
    const apiVersion = `${crd.spec.group}/${version.name}`;
    const required = new Set(root.required ?? []);
    reserve(kind);
    const fields = Object.entries(root.properties ?? {})
      .filter(([key]) => !['apiVersion', 'kind', 'metadata'].includes(key))
      .map(([key, child]) => {
        const t = typeOf(child, `${kind}.${key}`, kind + pascal(key));
        return `${docComment(fieldDoc(child))}  ${propKey(key)}${required.has(key) ? '' : '?'}: ${t};\n`;
      });
    const head =
      `  apiVersion: ${JSON.stringify(apiVersion)};\n  kind: ${JSON.stringify(kind)};\n` +
      `  metadata: ObjectMeta;\n`;
    emit(
      kind,
      `${docComment(fieldDoc(root), '')}export interface ${kind} {\n${head}${fields.join('')}}\n`,
    );
    emit(
      listKind,
      `/** A list of ${kind} objects, as a list call returns them. */\nexport interface ${listKind} {\n` +
        `  apiVersion: ${JSON.stringify(apiVersion)};\n  kind: ${JSON.stringify(listKind)};\n` +
        `  metadata: { resourceVersion?: string; continue?: string };\n  items: ${kind}[];\n}\n`,
    );
  }
  return [HEADER, ...decls.values()].join('\n');
}

function enumType(
  node: SchemaNode,
  name: string | undefined,
  emit: (name: string, text: string) => void,
): string {
  const union = (node.enum ?? []).map((v) => JSON.stringify(v)).join(' | ');
  if (name === undefined) return union;
  emit(
    name,
    `${docComment(node.description ? [node.description] : [], '')}export type ${name} = ${union};\n`,
  );
  return name;
}

/** The doc comment lines of a field: its description, default and validation. */
function fieldDoc(node: SchemaNode): string[] {
  const lines = node.description ? [node.description] : [];
  const extra: string[] = [];
  const def = defaultLabel(node);
  if (def !== undefined) extra.push(`Default: \`${def}\`.`);
  // Enums are already spelled out by the type itself.
  const rules = constraints(node).filter((c) => !c.startsWith('one of '));
  if (rules.length > 0) extra.push(`Validation: ${rules.join('; ')}.`);
  if (extra.length > 0) lines.push('', ...extra);
  return lines;
}

function docComment(lines: string[], indent = '  '): string {
  if (lines.length === 0) return '';
  const body = lines
    .flatMap((l) => wrap(l.replace(/\*\//g, '*\\/'), 88))
    .map((l) => `${indent} *${l ? ` ${l}` : ''}`);
  return `${indent}/**\n${body.join('\n')}\n${indent} */\n`;
}

/** Greedy word wrap; a word longer than `width` gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  out.push(line);
  return out;
}

function propKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function singular(s: string): string {
  return s.endsWith('s') ? s.slice(0, -1) : `${s}Item`;
}
