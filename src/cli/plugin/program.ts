/** The `kubectl schema` command tree and how its errors become exit codes. */
import { Command } from 'commander';
import { KubeConfigError } from '../../kube/config.js';
import { UnavailableError } from '../../kube/errors.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { registerApprove, registerRetry } from './annotate-commands.js';
import { registerOrgs, registerStatus } from './list-commands.js';

/** The program; `kubectl schema` runs it as the `kubectl-schema` executable. */
export function pluginProgram(): Command {
  const program = new Command('kubectl schema')
    .description(
      'Look at and act on schema-operator resources (SchemaMigrations, Organizations) with your kubeconfig.',
    )
    .showHelpAfterError()
    .exitOverride();
  registerStatus(program);
  registerRetry(program);
  registerApprove(program);
  registerOrgs(program);
  program.addHelpText(
    'after',
    `
Each command needs only its own verbs: get/list for status and orgs, get and
patch (metadata.annotations) for retry and approve. Exit codes: 0 done, 1
refused or failed, 2 bad arguments or kubeconfig, 3 the server did not answer.`,
  );
  return program;
}

/** The exit code for an error a plugin command threw. */
export function pluginExitCode(err: unknown): number {
  if (err instanceof UsageError || err instanceof KubeConfigError) return EXIT.usage;
  if (err instanceof UnavailableError) return EXIT.transient;
  return EXIT.failed;
}
