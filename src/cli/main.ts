#!/usr/bin/env node
/**
 * The `schema-operator` command. Each command is registered by its own
 * module, loaded only when that command runs (commands.ts); this file only
 * maps outcomes to exit codes and one-line errors.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands.js';
import { EXIT, exitCodeFor } from './exit-codes.js';

// Node 24 comes with the project (the `node` dev dependency, first on PATH in
// npm scripts and npx); an older Node would fail later in obscure ways.
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(
    `error: schema-operator needs Node.js 24 or later, not ${process.version}; run it with npx or an npm script`,
  );
  process.exit(EXIT.usage);
}

const program = new Command('schema-operator')
  .description(
    'Keeps a PostgreSQL schema in the state its migration files say (the CLI of the schema operator).',
  )
  .version(packageVersion(), '-V, --version', 'print the version')
  // Program options only before the command, so `wait --version 006` is the wait's own flag.
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

await registerCommands(program, process.argv.slice(2));
program.addHelpText(
  'after',
  `
Exit codes: 0 done, 1 a migration failed, the plan is unsafe or (drift) the
schema drifted, 2 bad arguments or input files, 3 transient (cannot connect, lock busy, wait timed out).
DATABASE_URL may stand for --database-url.`,
);

function packageVersion(): string {
  const pkg = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version are "errors" to commander; they have already printed.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const json = process.argv.includes('--json');
    if (json) {
      const { errorJson, printJson } = await import('./report.js');
      printJson({ error: errorJson(err) });
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = exitCodeFor(err);
  }
}
