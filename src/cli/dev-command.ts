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
      const { runDev } = await loadDev();
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

/**
 * The `dev` code, or a usage error where it is not installed: the operator
 * image and `npm ci --omit=dev` leave out the local control plane and the
 * packages it needs, so `dev` runs from the repository only.
 */
async function loadDev(): Promise<typeof import('./dev.js')> {
  try {
    return await import('./dev.js');
  } catch (err) {
    // Node's code for an import it cannot resolve: dev.js itself or one of its dev-only imports.
    if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new UsageError(
      '`dev` is not part of this installation (it carries only the operator and its database commands): run it from the repository with `npm run dev`',
    );
  }
}
