/** `run`: the operator (in-cluster config, or KUBECONFIG / --kubeconfig). */
import { Option, type Command } from 'commander';
import { countFlag } from './flags.js';
import { EXIT, UsageError } from './exit-codes.js';

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
  defaultDatabaseRef?: string;
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
    .addOption(
      new Option(
        '--default-database-ref <ns/name>',
        'the SchemaMigration of Organizations that name no spec.databaseRef',
      ).env('DEFAULT_DATABASE_REF'),
    )
    .addOption(new Option('--log-level <level>', 'error, warn, info or debug').env('LOG_LEVEL'))
    .action(async (flags: RunFlags) => {
      const workers = countFlag('workers', flags.workers);
      const defaultDatabaseRef = databaseRefFlag(flags.defaultDatabaseRef);
      const { runOperator } = await import('./operator.js');
      const { KubeConfigError, UnavailableError } = await import('../kube/index.js');
      let cause;
      try {
        cause = await runOperator({ ...flags, workers, defaultDatabaseRef });
      } catch (err) {
        // A missing or broken kubeconfig is bad input (exit 2); an API that never answered, transient (3).
        if (err instanceof KubeConfigError) throw new UsageError(err.message);
        if (!(err instanceof UnavailableError)) throw err;
        console.error(`error: ${err.message}`);
        process.exit(EXIT.transient);
      }
      // Lost leadership: exit non-zero so the pod restarts clean, as controller-runtime does.
      if (cause === 'lost-leadership') process.exitCode = EXIT.failed;
      process.exit(process.exitCode ?? EXIT.ok);
    });
}

/** `--default-database-ref NS/NAME` as a reference; a malformed value is a usage error. */
function databaseRefFlag(
  value: string | undefined,
): { namespace: string; name: string } | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(value);
  if (!m) throw new UsageError(`--default-database-ref must be NAMESPACE/NAME, got "${value}"`);
  return { namespace: m[1]!, name: m[3]! };
}
