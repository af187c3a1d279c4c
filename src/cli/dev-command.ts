/** `dev`: the local control plane, PostgreSQL and the operator, in one process. */
import type { Command } from 'commander';
import { UsageError } from './exit-codes.js';
import { countFlag } from './flags.js';

interface DevFlags {
  kubeconfig?: string;
  port?: string;
  examples: boolean;
  postgres: string;
  logLevel?: string;
}

/** Registers `dev`. Its code (and the Kubernetes client) is imported only when it runs. */
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description(
      'start a local control plane, PostgreSQL and the operator, and apply examples/ (Ctrl-C stops all)',
    )
    .option('--kubeconfig <path>', 'write the kubeconfig here (default: a temporary file, printed)')
    .option('--port <n>', 'port of the control plane (default: a free one)')
    .option('--no-examples', 'do not apply examples/')
    .option('--postgres <major>', 'PostgreSQL major version, 15 or 18', '18')
    .option('--log-level <level>', 'error, warn, info or debug', 'info')
    .action(async (flags: DevFlags) => {
      if (flags.postgres !== '15' && flags.postgres !== '18')
        throw new UsageError('--postgres must be 15 or 18');
      const { runDev } = await import('./dev.js');
      await runDev({
        kubeconfig: flags.kubeconfig,
        port: flags.port === undefined ? undefined : countFlag('port', flags.port),
        examples: flags.examples,
        postgres: Number(flags.postgres) as 15 | 18,
        logLevel: flags.logLevel,
      });
      process.exit(process.exitCode ?? 0);
    });
}
