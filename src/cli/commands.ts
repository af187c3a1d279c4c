/**
 * The commands of the CLI, by name, each with the module that registers it.
 * A module is imported only when its command runs: `wait` in an init
 * container must not pay for loading the operator, the linter or the
 * Kubernetes client. Help, the version and an unknown command load them all,
 * so the help lists every command and commander can suggest a near name.
 */
import type { Command } from 'commander';

/** Registers one module's commands on the program. */
export type Register = (program: Command) => void;

/** A command module: the names it registers and how to load it. */
interface CommandModule {
  names: readonly string[];
  load: () => Promise<Register>;
}

// In help order. The specifiers are literals so the image's import-graph check can follow them.
const MODULES: readonly CommandModule[] = [
  {
    names: ['migrate', 'plan'],
    load: async () => (await import('./migrate-command.js')).registerMigrate,
  },
  { names: ['status'], load: async () => (await import('./status-command.js')).registerStatus },
  { names: ['repair'], load: async () => (await import('./repair-command.js')).registerRepair },
  { names: ['wait'], load: async () => (await import('./wait-command.js')).registerWait },
  { names: ['lint'], load: async () => (await import('./lint-command.js')).registerLint },
  { names: ['drift'], load: async () => (await import('./drift-command.js')).registerDrift },
  { names: ['run'], load: async () => (await import('./run-command.js')).registerRun },
  { names: ['dev'], load: async () => (await import('./dev-command.js')).registerDev },
  { names: ['new'], load: async () => (await import('./new-command.js')).registerNew },
  {
    names: ['completion'],
    load: async () => (await import('./completion-command.js')).registerCompletion,
  },
];

/** Commands that read the whole program tree (the completion script lists every command). */
const NEEDS_ALL = ['completion'];

/** Every command name, in help order. */
export const COMMAND_NAMES: readonly string[] = MODULES.flatMap((m) => m.names);

/** The program's version flags: commander prints the version before it looks at any command. */
const VERSION_FLAGS = ['-V', '--version'];

/**
 * The modules `args` (the arguments after the script) needs: the one of the
 * command named first; none for the version; every module when the first
 * argument is absent, `help`, `--help` or not a command name, or a command
 * that reads them all (`completion`).
 */
export function modulesFor(args: readonly string[]): readonly CommandModule[] {
  const first = args[0];
  if (first === undefined) return MODULES;
  if (VERSION_FLAGS.includes(first)) return [];
  if (NEEDS_ALL.includes(first)) return MODULES;
  const one = MODULES.find((m) => m.names.includes(first));
  return one ? [one] : MODULES;
}

/** Loads and registers the commands `args` needs, in help order. */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const registers = await Promise.all(modulesFor(args).map((m) => m.load()));
  for (const register of registers) register(program);
}
