/**
 * JSON values as the CEL values Kubernetes gives rules: integers (schema
 * `integer`, or the integer half of int-or-string) are CEL `int` (bigint),
 * `number` is `double`, objects with properties are maps keyed by the
 * escaped property name (`a-b` → `a__dash__b`; a reserved word such as
 * `namespace` under both `__namespace__` and, as Kubernetes 1.32+ allows,
 * its plain name),
 * map-typed objects keep their keys, and at a resource root only
 * `apiVersion`, `kind`, `metadata.name` and `metadata.generateName` are
 * visible besides the declared fields. Also the few Kubernetes CEL library
 * functions cheap to add on top of @bufbuild/cel.
 */
import { CelScalar, celMethod, listType, type CelFunc, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { additionalSchema, isObject, type SchemaNode } from './structural.js';

/** CEL's reserved words; a property so named is only reachable as `__word__`. */
const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/**
 * A property name as a CEL identifier (Kubernetes' escaping rules), or
 * undefined when it cannot be one (such properties are invisible to rules).
 */
export function escapeProperty(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (/^[A-Za-z0-9_]*$/.test(name) && !name.includes('__')) return name;
  if (!/^[A-Za-z0-9_./-]*$/.test(name)) return undefined;
  const escapes: Record<string, string> = {
    __: '__underscores__',
    '.': '__dot__',
    '-': '__dash__',
    '/': '__slash__',
  };
  return name.replace(/__|[./-]/g, (m) => escapes[m]!);
}

/** `v` (described by `node`) as a CEL input value. */
export function toCel(v: unknown, node: SchemaNode | undefined, isResource = false): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (node?.type === 'number' || !Number.isInteger(v)) return v;
    return BigInt(v);
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => toCel(x, node?.items));
  if (!isObject(v)) return null;
  const out = new Map<string, CelInput>();
  const mapValues = node && additionalSchema(node);
  const dyn = !node?.properties && !mapValues;
  for (const [k, x] of Object.entries(v)) {
    if (isResource && (k === 'apiVersion' || k === 'kind')) out.set(k, toCel(x, undefined));
    else if (isResource && k === 'metadata') out.set(k, metaToCel(x));
    else if (node?.properties?.[k]) {
      const name = escapeProperty(k);
      const sub = node.properties[k];
      if (!name) continue;
      const value = toCel(x, sub, sub['x-kubernetes-embedded-resource'] === true);
      out.set(name, value);
      if (RESERVED.has(k)) out.set(k, value);
    } else if (mapValues) out.set(k, toCel(x, mapValues));
    else if (dyn) out.set(k, toCel(x, undefined));
  }
  return out;
}

function metaToCel(meta: unknown): CelInput {
  const out = new Map<string, CelInput>();
  if (!isObject(meta)) return out;
  for (const k of ['name', 'generateName']) {
    if (typeof meta[k] === 'string') out.set(k, meta[k]);
  }
  return out;
}

/**
 * An optional value for `optionalOldSelf` rules. @bufbuild/cel has no
 * optional type, so it is a list of zero or one element with the optional
 * methods `hasValue()`, `value()` and `orValue(x)` on lists.
 */
export function optionalOf(v: CelInput | undefined): CelInput {
  return v === undefined ? [] : [v];
}

const DYN_LIST = listType(CelScalar.DYN);

const optionalMethods: CelFunc[] = [
  celMethod('hasValue', DYN_LIST, [], CelScalar.BOOL, function () {
    return this.size > 0;
  }),
  celMethod('value', DYN_LIST, [], CelScalar.DYN, function () {
    if (this.size === 0) throw new Error('optional.none() dereference');
    return this.get(0)!;
  }),
  celMethod('orValue', DYN_LIST, [CelScalar.DYN], CelScalar.DYN, function (x) {
    return this.size > 0 ? this.get(0)! : x;
  }),
];

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const [x, y] = [Number(a), Number(b)];
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The Kubernetes list library's `isSorted()`, `min()`, `max()`. */
const listMethods: CelFunc[] = [
  celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
    const xs = [...this];
    return xs.every((x, i) => i === 0 || compare(xs[i - 1], x) <= 0);
  }),
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    if (this.size === 0) throw new Error('min called on empty list');
    return [...this].reduce((m, x) => (compare(x, m) < 0 ? x : m));
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
    if (this.size === 0) throw new Error('max called on empty list');
    return [...this].reduce((m, x) => (compare(x, m) > 0 ? x : m));
  }),
];

/** Every function rules may call beyond the CEL standard library. */
export const EXTRA_FUNCTIONS: CelFunc[] = [...strings, ...optionalMethods, ...listMethods];
