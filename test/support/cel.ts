/**
 * Test support: CEL rules of x-kubernetes-validations, checked and evaluated
 * with @bufbuild/cel the way the apiserver would (self and oldSelf bound,
 * integers as CEL ints). @bufbuild/cel's planner accepts calls to unknown
 * functions (they fail only when reached), so "compiles" here means: parses,
 * and names only functions and variables the Kubernetes CEL environment has.
 */
import { escapeProperty } from '../../src/devcluster/schema/cel-values.js';
import { isCelError, parse, run, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

type Expr = ReturnType<typeof parse>['expr'];

/** Functions of the CEL standard library and the Kubernetes extensions rules may use. */
const KNOWN_FUNCTIONS = new Set([
  // operators, as the parser names them
  ...['_&&_', '_||_', '!_', '-_', '_?_:_', '_[_]', '@in', '@not_strictly_false'],
  ...['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '_*_', '_/_', '_%_'],
  // standard library
  ...['size', 'matches', 'startsWith', 'endsWith', 'contains', 'int', 'uint', 'double', 'string'],
  ...['timestamp', 'duration', 'type', 'dyn', 'bool', 'bytes'],
  // Kubernetes strings and lists libraries
  ...['lowerAscii', 'upperAscii', 'indexOf', 'lastIndexOf', 'split', 'join', 'replace', 'trim'],
  ...['substring', 'charAt', 'isSorted', 'sum', 'min', 'max'],
]);

/** Variables bound for a rule; comprehension variables are added as they are met. */
const ROOT_VARIABLES = ['self', 'oldSelf'];

/** Parses `rule` and returns the problems: syntax, unknown functions, unknown variables. */
export function compileRule(rule: string): string[] {
  let expr: Expr;
  try {
    expr = parse(rule).expr;
  } catch (e) {
    return [`does not parse: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  walk(expr, new Set(ROOT_VARIABLES), problems);
  return problems;
}

function walk(e: Expr | undefined, vars: Set<string>, problems: string[]): void {
  if (!e) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      if (!vars.has(k.value.name)) problems.push(`unknown variable ${k.value.name}`);
      return;
    case 'selectExpr':
      return walk(k.value.operand, vars, problems);
    case 'callExpr':
      if (!KNOWN_FUNCTIONS.has(k.value.function))
        problems.push(`unknown function ${k.value.function}`);
      walk(k.value.target, vars, problems);
      for (const a of k.value.args) walk(a, vars, problems);
      return;
    case 'listExpr':
      for (const a of k.value.elements) walk(a, vars, problems);
      return;
    case 'structExpr':
      for (const f of k.value.entries) {
        if (f.keyKind.case === 'mapKey') walk(f.keyKind.value, vars, problems);
        walk(f.value, vars, problems);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      walk(c.iterRange, vars, problems);
      walk(c.accuInit, vars, problems);
      const inner = new Set([...vars, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
      walk(c.loopCondition, inner, problems);
      walk(c.loopStep, inner, problems);
      walk(c.result, inner, problems);
      return;
    }
    default:
      return;
  }
}

/** A JSON value as CEL input: whole numbers become ints, as for integer schema fields. */
export function toCel(v: unknown): CelInput {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === 'object') {
    // Kubernetes' escaping (`namespace` is `__namespace__`); unreachable names are dropped.
    return Object.fromEntries(
      Object.entries(v).flatMap(([key, x]) => {
        const name = escapeProperty(key);
        return name === undefined ? [] : [[name, toCel(x)]];
      }),
    );
  }
  return v as CelInput;
}

/** Evaluates `rule` with `self` (and `oldSelf` when given); throws when it does not give a bool. */
export function evalRule(rule: string, self: unknown, oldSelf?: unknown): boolean {
  const bindings: Record<string, CelInput> = { self: toCel(self) };
  if (oldSelf !== undefined) bindings.oldSelf = toCel(oldSelf);
  const out = run(rule, bindings, { funcs: strings });
  if (isCelError(out)) throw new Error(`rule ${rule} failed: ${out.message}`);
  if (typeof out !== 'boolean') throw new Error(`rule ${rule} gave ${String(out)}, not a bool`);
  return out;
}

/** True when `rule` is a transition rule (uses oldSelf), which runs on updates only. */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}
