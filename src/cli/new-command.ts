/** `new`: creates the next migration file of a directory and prints its path. */
import type { Command } from 'commander';
import { createMigrationFile } from './new-file.js';

/** Registers `new`. */
export function registerNew(program: Command): void {
  program
    .command('new')
    .description(
      'create <next version>_<name>.sql in --dir (next after the highest, in the same style) and print its path',
    )
    .argument('<name>', 'the name part of the file, as in add_users')
    .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files (made if missing)')
    .option(
      '--timestamp',
      'number the file with the UTC time (YYYYMMDDHHMMSS) in an empty directory; a set of timestamps keeps them anyway',
    )
    .action((name: string, flags: { dir: string; timestamp?: boolean }) => {
      const path = createMigrationFile({
        dir: flags.dir,
        name,
        now: new Date(),
        timestamp: flags.timestamp,
      });
      console.log(path);
    });
}
