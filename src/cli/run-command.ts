/** `run`: the operator (in-cluster config, or KUBECONFIG / --kubeconfig). */
import { Option, type Command } from 'commander';
import { countFlag } from './flags.js';
import { EXIT } from './exit-codes.js';

interface RunFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  selector?: string;
  leaderElect: boolean;
  leaseName: string;
  leaseNamespace: string;
  bindAddress: string;
  workers: string;
  logLevel?: string;
}

/** Registers `run`. The operator code is imported only when it runs. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the operator: reconcile SchemaMigrations (leader election, /healthz /readyz /metrics)',
    )
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)',
    )
    .option('--context <name>', 'kubeconfig context')
    .addOption(new Option('--namespace <ns>', 'watch only this namespace').env('WATCH_NAMESPACE'))
    .option(
      '--selector <labels>',
      'reconcile only custom resources matching this label selector (sharding)',
    )
    .option('--no-leader-elect', 'do not campaign for the lease (a single replica)')
    .option('--lease-name <name>', 'the Lease used for leader election', 'schema-operator')
    .addOption(
      new Option('--lease-namespace <ns>', 'namespace of the Lease')
        .env('POD_NAMESPACE')
        .default('default'),
    )
    .option('--bind-address <addr>', 'address of /healthz, /readyz and /metrics', ':8080')
    .option('--workers <n>', 'concurrent reconciles per controller', '4')
    .addOption(new Option('--log-level <level>', 'error, warn, info or debug').env('LOG_LEVEL'))
    .action(async (flags: RunFlags) => {
      const { runOperator } = await import('./operator.js');
      const cause = await runOperator({ ...flags, workers: countFlag('workers', flags.workers) });
      // Lost leadership: exit non-zero so the pod restarts clean, as controller-runtime does.
      if (cause === 'lost-leadership') process.exitCode = EXIT.failed;
      process.exit(process.exitCode ?? EXIT.ok);
    });
}
