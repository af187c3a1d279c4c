/** `lint`: the PostgreSQL safety rules over a directory of migrations. Exit 1 on findings. */
import type { Command } from 'commander';
import { lintMigrations } from '../engine/lint.js';
import { readMigrationDir } from '../engine/source.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './report.js';

/** Registers `lint`. */
export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'flag statements that would lock tables with data for long (file and line); exit 1 on findings',
    )
    .requiredOption('--dir <dir>', 'the directory of <version>_<name>.sql files')
    .option('--json', 'print one JSON document')
    .action(async (flags: { dir: string; json?: boolean }) => {
      const findings = lintMigrations(await readMigrationDir(flags.dir));
      if (flags.json) printJson({ findings });
      else {
        for (const f of findings) console.log(`${f.file}:${f.line}: ${f.rule}: ${f.message}`);
        console.error(
          findings.length === 0 ? 'lint: no findings' : `lint: ${findings.length} finding(s)`,
        );
      }
      if (findings.length > 0) process.exitCode = EXIT.failed;
    });
}
