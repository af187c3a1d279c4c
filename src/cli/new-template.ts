/**
 * What a file made by `schema-operator new` holds: a header that lists every
 * directive commented out (the author deletes the leading `-- ` of the ones
 * needed), and no statement. The engine refuses a file without statements,
 * so a file nobody has written yet fails `lint` and `migrate` with its name
 * in the error, instead of being recorded as applied: a placeholder that ran
 * would leave the author's later statements unapplied, behind a checksum
 * mismatch.
 */

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
    '-- Write the statements of the migration below. Until there is one,',
    '-- lint and migrate refuse this file (it is never recorded as applied empty).',
    '',
  ];
  return lines.join('\n');
}
