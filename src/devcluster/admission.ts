/**
 * ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1) enforcement,
 * as kube-apiserver does it, for the writes the devcluster serves: every
 * binding names a policy; when the policy's matchConstraints and the
 * binding's matchResources match the request and every matchCondition is
 * true, each validation runs, with `object`, `oldObject`, `request`
 * (operation, userInfo, resource, ...), `namespaceObject` and the policy's
 * `variables` (evaluated in order; one that fails is an error only where it
 * is read, as lazy evaluation gives). A false validation is a violation;
 * an error follows `failurePolicy` (default Fail). The binding's
 * validationActions decide: Deny refuses the request (403 for reason
 * Forbidden, 422 for Invalid, ...), Warn adds a warning, Audit is ignored
 * here. Params (paramKind/paramRef) are not supported: `params` is null.
 * CEL runs on @bufbuild/cel, as the CRD validation rules do.
 */
import { celEnv, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { ApiError, forbidden } from './errors.js';
import type { UserInfo } from './identity.js';
import { resourcesMatch, type AdmissionAttributes } from './admission-match.js';
import { isRecord, type KubeObject } from './object.js';
import { EXTRA_FUNCTIONS, toCel } from './schema/cel-values.js';
import type { Store } from './store.js';

export type { AdmissionAttributes, Operation } from './admission-match.js';

/** Store key of ValidatingAdmissionPolicies (see resources.ts). */
export const POLICY_KEY = 'admissionregistration.k8s.io/validatingadmissionpolicies';
/** Store key of ValidatingAdmissionPolicyBindings. */
export const BINDING_KEY = 'admissionregistration.k8s.io/validatingadmissionpolicybindings';

type Program = (bindings: Record<string, CelInput>) => CelResult;

/** An expression compiled once per policy version; `error` when it does not compile. */
interface Compiled {
  source: string;
  program?: Program;
  error?: string;
}

interface CompiledPolicy {
  name: string;
  failurePolicy: 'Fail' | 'Ignore';
  matchConstraints: unknown;
  matchConditions: Array<Compiled & { name: string }>;
  variables: Array<Compiled & { name: string }>;
  validations: Array<{ expr: Compiled; message?: string; messageExpr?: Compiled; reason: string }>;
}

const env = celEnv({ funcs: EXTRA_FUNCTIONS });

/** Compiles a CEL expression; errors are kept, not thrown (they count at evaluation). */
function compileExpression(source: string): Compiled {
  try {
    return { source, program: plan(env, parse(source)) as Program };
  } catch (e) {
    return { source, error: `compilation failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Runs `c`; an Error for a compile or evaluation error. */
function run(c: Compiled, bindings: Record<string, CelInput>): CelResult | Error {
  if (!c.program) return new Error(c.error ?? 'not compiled');
  try {
    const r = c.program(bindings);
    return isCelError(r) ? new Error(r.message) : r;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function named(list: unknown): Array<{ name: string; expression: string }> {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isRecord)
    .map((x) => ({ name: str(x.name) ?? '', expression: str(x.expression) ?? '' }));
}

function compilePolicy(p: KubeObject): CompiledPolicy {
  const spec = isRecord(p.spec) ? p.spec : {};
  const validations = Array.isArray(spec.validations) ? spec.validations.filter(isRecord) : [];
  return {
    name: p.metadata.name,
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    matchConstraints: spec.matchConstraints,
    matchConditions: named(spec.matchConditions).map((m) => ({
      name: m.name,
      ...compileExpression(m.expression),
    })),
    variables: named(spec.variables).map((v) => ({
      name: v.name,
      ...compileExpression(v.expression),
    })),
    validations: validations.map((v) => ({
      expr: compileExpression(str(v.expression) ?? ''),
      message: str(v.message)?.trim(),
      messageExpr: str(v.messageExpression)
        ? compileExpression(str(v.messageExpression)!)
        : undefined,
      reason: str(v.reason) ?? 'Invalid',
    })),
  };
}

/** One binding's verdict on a request. */
interface Verdict {
  policy: string;
  binding: string;
  actions: string[];
  message: string;
  reason: string;
}

/** The policies and bindings in a store, enforced on request. Constructing it does no I/O. */
export class AdmissionPolicies {
  private readonly compiled = new Map<string, { rv: string; policy: CompiledPolicy }>();

  constructor(private readonly store: Store) {}

  private policy(name: string): CompiledPolicy | undefined {
    const obj = this.store.collection(POLICY_KEY).get('', name);
    if (!obj) return undefined;
    const rv = obj.metadata.resourceVersion ?? '';
    const hit = this.compiled.get(name);
    if (hit?.rv === rv) return hit.policy;
    const policy = compilePolicy(obj);
    this.compiled.set(name, { rv, policy });
    return policy;
  }

  /**
   * Throws the refusal of the first binding whose policy denies `a` with a
   * Deny action; pushes Warn verdicts to `warnings`.
   */
  admit(a: AdmissionAttributes, user: UserInfo, warnings: string[], dryRun = false): void {
    // What CEL sees is converted once per request, at the first binding that applies.
    let variables: Record<string, CelInput> | undefined;
    for (const binding of this.store.collection(BINDING_KEY).list('')) {
      const spec = isRecord(binding.spec) ? binding.spec : {};
      const policy = this.policy(str(spec.policyName) ?? '');
      if (!policy) continue;
      if (!resourcesMatch(policy.matchConstraints, a) || !resourcesMatch(spec.matchResources, a))
        continue;
      const actions = Array.isArray(spec.validationActions)
        ? spec.validationActions.map(String)
        : [];
      variables ??= bindingsFor(a, user, dryRun);
      const verdict = evaluate(policy, variables);
      if (!verdict) continue;
      const v = { ...verdict, binding: binding.metadata.name, actions };
      if (actions.includes('Warn'))
        warnings.push(
          `Validation failed for ValidatingAdmissionPolicy '${v.policy}' with binding '${v.binding}': ${v.message}`,
        );
      if (actions.includes('Deny')) throw refusal(a, v);
    }
  }
}

/** The variables CEL sees for `a`. */
function bindingsFor(
  a: AdmissionAttributes,
  user: UserInfo,
  dryRun: boolean,
): Record<string, CelInput> {
  const t = a.type;
  const request = {
    kind: { group: t.group, version: t.version, kind: t.kind },
    resource: { group: t.group, version: t.version, resource: t.resource },
    subResource: a.subresource,
    requestKind: { group: t.group, version: t.version, kind: t.kind },
    requestResource: { group: t.group, version: t.version, resource: t.resource },
    requestSubResource: a.subresource,
    name: a.name,
    namespace: a.namespace,
    operation: a.operation,
    userInfo: { username: user.username, uid: user.uid ?? '', groups: user.groups },
    dryRun,
  };
  return {
    object: toCel(a.object, undefined),
    oldObject: toCel(a.oldObject, undefined),
    request: toCel(request, undefined),
    params: null,
    namespaceObject: toCel(a.namespaceObject ?? null, undefined),
  };
}

/** The policy's violation of `a`, or undefined when it allows it (or does not apply). */
function evaluate(
  p: CompiledPolicy,
  request: Record<string, CelInput>,
): Omit<Verdict, 'binding' | 'actions'> | undefined {
  // A copy per policy: its own `variables` are added to it.
  const bindings = { ...request };
  const failed = (why: string) =>
    p.failurePolicy === 'Ignore'
      ? undefined
      : { policy: p.name, message: why, reason: 'Forbidden' };
  for (const m of p.matchConditions) {
    const r = run(m, bindings);
    if (r instanceof Error)
      return failed(`failed to evaluate match condition '${m.name}': ${r.message}`);
    if (r !== true) return undefined;
  }
  const variables = new Map<string, CelInput>();
  bindings.variables = variables;
  for (const v of p.variables) {
    const r = run(v, bindings);
    // Left out on error: a validation that reads it fails there, one that does not is unaffected.
    if (!(r instanceof Error)) variables.set(v.name, r as CelInput);
  }
  for (const v of p.validations) {
    const r = run(v.expr, bindings);
    if (r instanceof Error)
      return failed(`expression '${v.expr.source.trim()}' resulted in error: ${r.message}`);
    if (r === true) continue;
    return { policy: p.name, message: messageOf(v, bindings), reason: v.reason };
  }
  return undefined;
}

function messageOf(
  v: CompiledPolicy['validations'][number],
  bindings: Record<string, CelInput>,
): string {
  if (v.messageExpr) {
    const m = run(v.messageExpr, bindings);
    if (typeof m === 'string' && m.trim() && !m.includes('\n')) return m.trim();
  }
  return v.message || `failed expression: ${v.expr.source.trim()}`;
}

/** The API error a Deny verdict answers with, worded as kube-apiserver words it. */
function refusal(a: AdmissionAttributes, v: Verdict): ApiError {
  const why = `ValidatingAdmissionPolicy '${v.policy}' with binding '${v.binding}' denied request: ${v.message}`;
  const ref = { group: a.type.group, resource: a.type.resource };
  switch (v.reason) {
    case 'Forbidden':
      return forbidden(ref, a.name, why);
    case 'Unauthorized':
      return new ApiError(401, 'Unauthorized', why);
    case 'RequestEntityTooLarge':
      return new ApiError(413, 'RequestEntityTooLarge', why);
    default: {
      const kind = a.type.group ? `${a.type.kind}.${a.type.group}` : a.type.kind;
      return new ApiError(422, 'Invalid', `${kind} "${a.name}" is invalid: : ${why}`, {
        name: a.name,
        kind: a.type.resource,
      });
    }
  }
}
