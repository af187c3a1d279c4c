/** `completion bash|zsh`: prints a completion script made from the registered commands. */
import { Argument, type Command } from 'commander';
import { bashScript } from './completion-bash.js';
import { completionModel } from './completion-model.js';
import { zshScript } from './completion-zsh.js';

/** Registers `completion`; the script covers whatever is registered when it runs. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (see docs/cli.md for where to put it)')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      const model = completionModel(program);
      process.stdout.write(shell === 'bash' ? bashScript(model) : zshScript(model));
    });
}
