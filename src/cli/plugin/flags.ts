/** The kubectl-style flags of the plugin's commands. */
import type { Command } from 'commander';
import type { ClusterFlags } from './session.js';

/** Flags of a listing command. */
export interface ListFlags extends ClusterFlags {
  allNamespaces?: boolean;
}

/** Adds --kubeconfig, --context, -n/--namespace and, when asked, -A/--all-namespaces. */
export function clusterFlags(
  cmd: Command,
  opts: { allNamespaces?: boolean; namespaceHelp?: string } = {},
): Command {
  cmd
    .option('--kubeconfig <path>', 'kubeconfig file (default: KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option(
      '-n, --namespace <ns>',
      opts.namespaceHelp ?? "namespace (default: the context's namespace, else default)",
    );
  if (opts.allNamespaces) cmd.option('-A, --all-namespaces', 'every namespace');
  return cmd;
}
