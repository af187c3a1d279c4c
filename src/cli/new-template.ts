/**
 * What a file made by `schema-operator new` holds: a header that lists every
 * directive commented out (the author deletes the leading `-- ` of the ones
 * needed), and one statement that does nothing. The engine refuses a file
 * without statements, so that an unfinished empty file is never recorded as
 * applied; the placeholder keeps the fresh file readable by `lint` and
 * `migrate` until the author replaces it.
 */

/** The statement a fresh file carries until its author replaces it. */
export const PLACEHOLDER = 'SELECT 1;';

/** The directives of src/engine/directives.ts, each with what it is for. */
const DIRECTIVES: ReadonlyArray<[string, string]> = [
  ['no-transaction', 'each statement in a transaction of its own (CREATE INDEX CONCURRENTLY, ...)'],
  ['lock-timeout=5s', 'how long a statement waits for a lock (default: the run)'],
  ['statement-timeout=30m', 'how long one statement may run (default: the run)'],
  ['contract', 'removes what older code still reads: held until no pod needs it'],
];

/** The text of a new migration `<version>_<name>.sql`. */
export function newMigrationText(opts: { version: string; name: string }): string {
  const lines = [
    `-- Migration ${opts.version}: ${opts.name}.`,
    '-- Directives are read from this opening comment block only. To use one,',
    '-- delete the "-- " in front of its line:',
    ...DIRECTIVES.flatMap(([word, why]) => [`-- -- schema-operator: ${word}`, `--      ${why}`]),
    '',
    '-- Replace the placeholder below with the statements of the migration.',
    PLACEHOLDER,
    '',
  ];
  return lines.join('\n');
}
