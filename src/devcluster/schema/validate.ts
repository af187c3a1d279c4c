/**
 * Schema keyword validation (the kube-openapi validator the real server runs
 * on custom resources), with errors mapped to field errors the way
 * apiextensions-apiserver maps them: `required` → Required, `enum` →
 * NotSupported, `maxLength` → TooLong, `maxItems`/`maxProperties` → TooMany,
 * a wrong type or format → TypeInvalid, everything else → Invalid with
 * kube-openapi's sentence (`spec.x in body should match '^a$'`).
 * x-kubernetes-list-type map/set duplicates are reported after all schema
 * errors, as the real server's separate list pass does.
 */
import * as fe from './field-errors.js';
import { type FieldError } from './field-errors.js';
import { checkFormat } from './formats.js';
import { validateListType } from './list-types.js';
import { additionalSchema, isObject, jsonType, jsonEqual, type SchemaNode } from './structural.js';

interface Ctx {
  errors: FieldError[];
  listErrors: FieldError[];
}

const patterns = new WeakMap<SchemaNode, RegExp | null>();

/** Validates a whole resource (root schema) and returns schema errors, then list-type errors. */
export function validateResource(obj: Record<string, unknown>, schema: SchemaNode): FieldError[] {
  const ctx: Ctx = { errors: [], listErrors: [] };
  validateValue(obj, schema, '', ctx, true);
  return [...ctx.errors, ...ctx.listErrors];
}

function validateValue(v: unknown, node: SchemaNode, path: string, ctx: Ctx, isRes = false): void {
  if (v === null || v === undefined) {
    if (node.nullable) return;
    if (node.type || node['x-kubernetes-int-or-string']) typeError(v, node, path, ctx);
    return;
  }
  const actual = jsonType(v);
  if (node['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') return typeError(v, node, path, ctx);
  } else if (node.type && actual !== node.type) {
    if (!(node.type === 'number' && actual === 'integer')) return typeError(v, node, path, ctx);
  }
  if (Array.isArray(v)) validateArray(v, node, path, ctx);
  else if (isObject(v)) validateObject(v, node, path, ctx, isRes);
  else if (typeof v === 'string') validateString(v, node, path, ctx);
  else if (typeof v === 'number') validateNumber(v, node, path, ctx);
  if (node.enum && !node.enum.some((e) => jsonEqual(e, v))) {
    const supported = node.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    ctx.errors.push(fe.notSupported(path, v, supported));
  }
  validateComposition(v, node, path, ctx);
}

function typeError(v: unknown, node: SchemaNode, path: string, ctx: Ctx): void {
  const want = node['x-kubernetes-int-or-string'] ? 'integer,string' : node.type;
  const actual = jsonType(v);
  const detail = `${path} in body must be of type ${want}: "${actual}"`;
  ctx.errors.push(fe.typeInvalid(path, actual, detail));
}

function validateObject(
  v: Record<string, unknown>,
  node: SchemaNode,
  path: string,
  ctx: Ctx,
  isRes: boolean,
): void {
  for (const r of node.required ?? []) {
    if (!Object.hasOwn(v, r)) ctx.errors.push(fe.required(fe.child(path, r)));
  }
  const n = Object.keys(v).length;
  if (node.maxProperties !== undefined && n > node.maxProperties) {
    ctx.errors.push(fe.tooMany(path, n, node.maxProperties));
  }
  if (node.minProperties !== undefined && n < node.minProperties) {
    const detail = `${path} in body should have at least ${node.minProperties} properties`;
    ctx.errors.push(fe.invalid(path, node.minProperties, detail));
  }
  const mapValues = additionalSchema(node);
  for (const [k, sub] of Object.entries(v)) {
    const p = fe.child(path, k);
    if (isRes && k === 'metadata') {
      validateMeta(sub, node.properties?.metadata, p, ctx);
      continue;
    }
    const prop = node.properties?.[k] ?? mapValues;
    if (prop) validateValue(sub, prop, p, ctx, prop['x-kubernetes-embedded-resource'] === true);
  }
}

/** Only `metadata.name` and `metadata.generateName` may be constrained by a CRD schema. */
function validateMeta(meta: unknown, node: SchemaNode | undefined, path: string, ctx: Ctx): void {
  if (!isObject(meta) || !node?.properties) return;
  for (const k of ['name', 'generateName']) {
    const sub = node.properties[k];
    if (sub && meta[k] !== undefined) validateValue(meta[k], sub, fe.child(path, k), ctx);
  }
}

function validateArray(v: unknown[], node: SchemaNode, path: string, ctx: Ctx): void {
  if (node.maxItems !== undefined && v.length > node.maxItems) {
    ctx.errors.push(fe.tooMany(path, v.length, node.maxItems));
  }
  if (node.minItems !== undefined && v.length < node.minItems) {
    const detail = `${path} in body should have at least ${node.minItems} items`;
    ctx.errors.push(fe.invalid(path, v.length, detail));
  }
  const items = node.items;
  if (items) {
    const embedded = items['x-kubernetes-embedded-resource'] === true;
    v.forEach((item, i) => validateValue(item, items, fe.index(path, i), ctx, embedded));
  }
  ctx.listErrors.push(...validateListType(v, node, path));
}

function validateString(v: string, node: SchemaNode, path: string, ctx: Ctx): void {
  if (node.maxLength !== undefined || node.minLength !== undefined) {
    const len = [...v].length;
    if (node.maxLength !== undefined && len > node.maxLength) {
      ctx.errors.push(fe.tooLong(path, node.maxLength));
    }
    if (node.minLength !== undefined && len < node.minLength) {
      const detail = `${path} in body should be at least ${node.minLength} chars long`;
      ctx.errors.push(fe.invalid(path, v, detail));
    }
  }
  if (node.pattern !== undefined) {
    const re = compilePattern(node);
    if (re && !re.test(v)) {
      const detail = `${path} in body should match '${node.pattern}'`;
      ctx.errors.push(fe.invalid(path, v, detail));
    }
  }
  if (node.format !== undefined && !checkFormat(node.format, v)) {
    const detail = `${path} in body must be of type ${node.format}: ${JSON.stringify(v)}`;
    ctx.errors.push(fe.typeInvalid(path, v, detail));
  }
}

function compilePattern(node: SchemaNode): RegExp | null {
  let re = patterns.get(node);
  if (re === undefined) {
    try {
      re = new RegExp(node.pattern!, 'u');
    } catch {
      try {
        re = new RegExp(node.pattern!);
      } catch {
        re = null; // a real server would have refused the CRD; nothing to check against
      }
    }
    patterns.set(node, re);
  }
  return re;
}

function validateNumber(v: number, node: SchemaNode, path: string, ctx: Ctx): void {
  const bad = (detail: string) => ctx.errors.push(fe.invalid(path, v, `${path} in body ${detail}`));
  const { maximum: max, minimum: min, multipleOf } = node;
  if (max !== undefined) {
    if (node.exclusiveMaximum ? v >= max : v > max) {
      bad(`should be less than ${node.exclusiveMaximum ? '' : 'or equal to '}${max}`);
    }
  }
  if (min !== undefined) {
    if (node.exclusiveMinimum ? v <= min : v < min) {
      bad(`should be greater than ${node.exclusiveMinimum ? '' : 'or equal to '}${min}`);
    }
  }
  if (multipleOf !== undefined && multipleOf > 0) {
    const q = v / multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) bad(`should be a multiple of ${multipleOf}`);
  }
}

/** True when `v` satisfies `node` on its own (used for oneOf/anyOf/not). */
function passes(v: unknown, node: SchemaNode, path: string): boolean {
  const scratch: Ctx = { errors: [], listErrors: [] };
  validateValue(v, node, path, scratch);
  return scratch.errors.length === 0;
}

function validateComposition(v: unknown, node: SchemaNode, path: string, ctx: Ctx): void {
  const composite = (detail: string) =>
    ctx.errors.push(fe.invalid(path, jsonType(v), `${path || '<root>'} ${detail}`));
  for (const sub of node.allOf ?? []) validateValue(v, sub, path, ctx);
  // int-or-string fields usually carry anyOf [{type: integer}, {type: string}]; the
  // type check above already covers it.
  const typeOnly = (subs: SchemaNode[]) =>
    node['x-kubernetes-int-or-string'] === true && subs.some((s) => s.type);
  if (node.anyOf && !typeOnly(node.anyOf) && !node.anyOf.some((s) => passes(v, s, path))) {
    composite('must validate at least one schema (anyOf)');
  }
  if (node.oneOf && !typeOnly(node.oneOf)) {
    const n = node.oneOf.filter((s) => passes(v, s, path)).length;
    if (n !== 1) composite('must validate one and only one schema (oneOf)');
  }
  if (node.not && passes(v, node.not, path)) composite('must not validate the schema (not)');
}
