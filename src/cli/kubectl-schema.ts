#!/usr/bin/env node
/**
 * `kubectl-schema`: the kubectl plugin (`kubectl schema ...`), a bin of the
 * package. It reads and annotates the CRs with the user's own kubeconfig;
 * it never talks to a database and never loads the devcluster.
 */
import { CommanderError } from 'commander';
import { EXIT } from './exit-codes.js';
import { pluginExitCode, pluginProgram } from './plugin/program.js';

try {
  await pluginProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = pluginExitCode(err);
  }
}
