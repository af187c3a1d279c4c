/**
 * `x-kubernetes-validations` rules, evaluated with @bufbuild/cel the way
 * apiextensions-apiserver evaluates them: at every level with a non-null
 * value, `self` bound to that value and, on update, `oldSelf` to the old
 * value at the same place (object properties and map keys correlate; list
 * items only in `x-kubernetes-list-type: map` lists, by key). A rule that
 * references `oldSelf` (a transition rule) runs only when the old value
 * exists, unless `optionalOldSelf` makes `oldSelf` an optional. Programs are
 * compiled once per schema node and cached.
 *
 * Error wording follows the real validator: a failed rule is
 * `Invalid value: "<schema type>": <message>` (or `failed rule: <rule>`),
 * `rule compile error: compilation failed: ...`, `<error> evaluating rule: ...`.
 */
import { celEnv, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { cachedRegexEngine } from './cel-regex.js';
import { EXTRA_FUNCTIONS, optionalOf, toCel } from './cel-values.js';
import * as fe from './field-errors.js';
import { type FieldError } from './field-errors.js';
import { additionalSchema, isObject, type SchemaNode, type ValidationRule } from './structural.js';

type Program = (bindings: Record<string, CelInput>) => CelResult;

interface Compiled {
  rule: ValidationRule;
  error?: string;
  program?: Program;
  message?: Program;
  transition: boolean;
}

const env = celEnv({ funcs: EXTRA_FUNCTIONS, re2: cachedRegexEngine() });
const compiledRules = new WeakMap<SchemaNode, Compiled[]>();
const subtreeHasRules = new WeakMap<SchemaNode, boolean>();

/** Walks the parsed AST (protobuf messages) for the identifiers it names. */
function scanIdents(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const x of node) scanIdents(x, out);
  else if (node !== null && typeof node === 'object') {
    const { case: kind, value } = node as { case?: unknown; value?: { name?: unknown } };
    if (kind === 'identExpr' && typeof value?.name === 'string') out.add(value.name);
    for (const v of Object.values(node)) if (typeof v === 'object') scanIdents(v, out);
  }
}

function compileOne(source: string): { program?: Program; error?: string; idents?: Set<string> } {
  try {
    const parsed = parse(source);
    const idents = new Set<string>();
    scanIdents(parsed.expr, idents);
    return { program: plan(env, parsed) as Program, idents };
  } catch (e) {
    return { error: `compilation failed: ERROR: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function compile(node: SchemaNode): Compiled[] {
  let out = compiledRules.get(node);
  if (!out) {
    out = (node['x-kubernetes-validations'] ?? []).map((rule) => {
      const c = compileOne(rule.rule);
      const compiled: Compiled = {
        rule,
        transition: c.idents?.has('oldSelf') ?? false,
        ...(c.error ? { error: c.error } : { program: c.program }),
      };
      if (rule.messageExpression) {
        const m = compileOne(rule.messageExpression);
        if (m.program) compiled.message = m.program;
      }
      return compiled;
    });
    compiledRules.set(node, out);
  }
  return out;
}

function hasRules(node: SchemaNode | undefined): boolean {
  if (!node) return false;
  let has = subtreeHasRules.get(node);
  if (has === undefined) {
    subtreeHasRules.set(node, false); // guards against (invalid) cyclic schemas
    has =
      (node['x-kubernetes-validations']?.length ?? 0) > 0 ||
      hasRules(node.items) ||
      hasRules(additionalSchema(node)) ||
      Object.values(node.properties ?? {}).some(hasRules);
    subtreeHasRules.set(node, has);
  }
  return has;
}

/** What a rule check needs besides the value: the old value, where, and the error sink. */
interface Site {
  old: unknown;
  hasOld: boolean;
  path: string;
  errors: FieldError[];
}

/** Evaluates every rule in the resource; `old` is the stored object on update. */
export function validateRules(
  obj: Record<string, unknown>,
  old: Record<string, unknown> | undefined,
  schema: SchemaNode,
): FieldError[] {
  const errors: FieldError[] = [];
  walk(obj, schema, { old, hasOld: old !== undefined, path: '', errors }, true);
  return errors;
}

function walk(v: unknown, node: SchemaNode, site: Site, isRes = false): void {
  if (v === null || v === undefined || !hasRules(node)) return;
  if (node['x-kubernetes-validations']?.length) checkRules(v, node, site, isRes);
  const { old, hasOld, path, errors } = site;
  if (Array.isArray(v)) {
    const items = node.items;
    if (!items) return;
    const oldItem = correlateItems(node, hasOld ? old : undefined);
    v.forEach((item, i) => {
      const o = oldItem(item);
      walk(item, items, { old: o, hasOld: o !== undefined, path: fe.index(path, i), errors });
    });
  } else if (isObject(v)) {
    const oldObj = hasOld && isObject(old) ? old : undefined;
    const mapValues = additionalSchema(node);
    for (const [k, x] of Object.entries(v)) {
      if (isRes && k === 'metadata') continue;
      const prop = node.properties?.[k];
      const sub = prop ?? mapValues;
      if (!sub) continue;
      const p = prop ? fe.child(path, k) : fe.key(path, k);
      const sOld = { old: oldObj?.[k], hasOld: oldObj !== undefined && Object.hasOwn(oldObj, k) };
      walk(x, sub, { ...sOld, path: p, errors }, sub['x-kubernetes-embedded-resource'] === true);
    }
  }
}

/** Finds, for an item of a list-type map, the old item with the same keys. */
function correlateItems(node: SchemaNode, old: unknown): (item: unknown) => unknown {
  const keys = node['x-kubernetes-list-map-keys'];
  if (node['x-kubernetes-list-type'] !== 'map' || !keys?.length || !Array.isArray(old)) {
    return () => undefined;
  }
  const keyOf = (x: unknown) =>
    isObject(x) ? JSON.stringify(keys.map((k) => x[k] ?? null)) : undefined;
  const byKey = new Map(old.map((x) => [keyOf(x), x] as const));
  return (item) => byKey.get(keyOf(item));
}

function checkRules(v: unknown, node: SchemaNode, site: Site, isRes: boolean): void {
  const type = node.type ?? '';
  // The real validator starts from a nil field.Path, which prints as "<nil>".
  const here = site.path || '<nil>';
  const self = toCel(v, node, isRes);
  const hasOldSelf = site.hasOld && site.old !== null;
  // Converted when a rule (or its message) can read it: most rules never name oldSelf.
  let oldCel: CelInput | undefined;
  const oldSelf = (): CelInput | undefined =>
    hasOldSelf ? (oldCel ??= toCel(site.old, node, isRes)) : undefined;
  for (const c of compile(node)) {
    const { rule } = c;
    const ruleText = (rule.message ?? '').trim() || rule.rule.trim();
    if (c.error || !c.program) {
      site.errors.push(fe.invalid(here, type, `rule compile error: ${c.error}`));
      continue;
    }
    if (c.transition && !hasOldSelf && !rule.optionalOldSelf) continue;
    const bindings: Record<string, CelInput> = { self };
    // A rule that does not name oldSelf cannot read it (`transition` is what its AST names).
    if (rule.optionalOldSelf) bindings.oldSelf = optionalOf(oldSelf());
    else if (hasOldSelf && c.transition) bindings.oldSelf = oldSelf()!;
    const result = run(c.program, bindings);
    if (result instanceof Error || isCelError(result)) {
      const msg = result.message;
      const detail = /no (matching|such) overload/.test(msg)
        ? `'${msg}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText}`
        : `${msg} evaluating rule: ${ruleText}`;
      site.errors.push(fe.invalid(here, type, detail));
      continue;
    }
    if (result === true) continue;
    const path = rule.fieldPath ? fe.child(site.path, normalizeFieldPath(rule.fieldPath)) : here;
    // The message expression may name oldSelf though the rule does not.
    if (hasOldSelf && !('oldSelf' in bindings)) bindings.oldSelf = oldSelf()!;
    const message =
      evalMessage(c, bindings) ?? (rule.message?.trim() || `failed rule: ${ruleText}`);
    site.errors.push(errorForReason(rule.reason, path, type, message));
  }
}

function run(program: Program, bindings: Record<string, CelInput>): CelResult | Error {
  try {
    return program(bindings);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** The messageExpression's text, or undefined when it fails (the static message is used). */
function evalMessage(c: Compiled, bindings: Record<string, CelInput>): string | undefined {
  if (!c.message) return undefined;
  const r = run(c.message, bindings);
  if (typeof r !== 'string') return undefined;
  const s = r.trim();
  return s && !s.includes('\n') ? s : undefined;
}

/** `.spec.x['a.b']` → `spec.x.a.b`, relative to the rule's own level. */
function normalizeFieldPath(p: string): string {
  return p.replace(/\['([^']*)'\]/g, '.$1').replace(/^\./, '');
}

function errorForReason(
  reason: ValidationRule['reason'],
  path: string,
  type: string,
  message: string,
): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return fe.forbidden(path, message);
    case 'FieldValueRequired':
      return fe.required(path, message);
    case 'FieldValueDuplicate':
      return fe.duplicate(path, type);
    default:
      return fe.invalid(path, type, message);
  }
}
