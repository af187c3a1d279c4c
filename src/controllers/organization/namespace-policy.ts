/**
 * Which namespaces the install lets Organizations have: never kube-*,
 * `default` or the operator's own; never a name the install reserves
 * (`run --reserved-namespaces`); and, when the install sets one, only names
 * matching its pattern (`run --org-namespace-pattern`). The shared namespace
 * is exempt from the pattern (it is never owned), never from the reserved
 * names. Checked in code, not only by the CRD's CEL rule, which knows
 * neither the install's choices nor the operator's actual namespace.
 */

/** The install's limits on organization namespaces. */
export interface NamespacePolicy {
  /** The operator's own namespace (POD_NAMESPACE): reserved. */
  operatorNamespace?: string;
  /** More reserved names, beyond kube-*, default and the operator's own. */
  reserved?: readonly string[];
  /** When set, a dedicated namespace must match it in full. */
  pattern?: RegExp;
  /** The shared namespace, exempt from the pattern. */
  shared?: string;
}

/** Why `name` may not be an organization's namespace, or undefined when it may. */
export function namespaceRefusal(name: string, p: NamespacePolicy): string | undefined {
  if (name.startsWith('kube-') || name === 'default' || name === p.operatorNamespace)
    return `namespace ${name} is reserved (kube-*, default, the operator's own) and cannot belong to an organization`;
  if (p.reserved?.includes(name))
    return `namespace ${name} is reserved by the install (run --reserved-namespaces) and cannot belong to an organization`;
  if (p.pattern && name !== p.shared && !p.pattern.test(name))
    return `namespace ${name} does not match the install's pattern for organization namespaces (${p.pattern.source})`;
  return undefined;
}

/**
 * `--org-namespace-pattern` as an anchored RegExp (the whole name must
 * match). Throws an Error naming the flag for a pattern that does not compile.
 */
export function namespacePattern(flag: string): RegExp {
  try {
    return new RegExp(`^(?:${flag})$`);
  } catch (err) {
    throw new Error(
      `--org-namespace-pattern "${flag}" is not a regular expression: ${(err as Error).message}`,
    );
  }
}

/** `--reserved-namespaces a,b , c` as names; empty entries dropped. */
export function reservedNamespaces(flag: string | undefined): string[] {
  return (flag ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
