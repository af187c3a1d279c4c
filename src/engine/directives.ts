/**
 * Per-file directives, in the comment lines that open a migration:
 *
 *   -- schema-operator: no-transaction
 *   -- schema-operator: lock-timeout=2s statement-timeout=1h
 *   -- schema-operator: contract
 *
 * `contract` marks a migration that removes what older code still reads (the
 * "contract" of expand/contract): a run may hold it until no pod needs the
 * schema before it (see RunOptions.holdContract).
 */
import { parseTimeout } from './duration.js';
import { InvalidSourceError } from './errors.js';

/** What a file's directives ask for; absent timeouts use the run's defaults. */
export interface Directives {
  transactional: boolean;
  /** Removes what older code reads: held while something still needs the schema before it. */
  contract: boolean;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

const DIRECTIVE = /^--\s*schema-operator:(.*)$/;

/** Reads the directives of `sql` (already normalized); `file` names it in errors. */
export function parseDirectives(sql: string, file: string): Directives {
  const result: Directives = { transactional: true, contract: false };
  // Only the opening lines are looked at: a large file is not split into lines for them.
  for (let start = 0, i = 0; start <= sql.length; i++) {
    const lf = sql.indexOf('\n', start);
    const end = lf === -1 ? sql.length : lf;
    const line = sql.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    if (!line.startsWith('--')) break;
    const m = DIRECTIVE.exec(line);
    if (!m) continue;
    for (const word of m[1]!.trim().split(/\s+/).filter(Boolean))
      applyWord(result, word, file, i + 1);
  }
  return result;
}

function applyWord(d: Directives, word: string, file: string, line: number): void {
  const [key, value] = word.split('=', 2);
  const fail = (why: string) => {
    throw new InvalidSourceError(`${file}:${line}: ${why}`, file, line);
  };
  const duration = () => {
    if (value === undefined) fail(`directive ${key} needs a value, as in ${key}=5s`);
    try {
      return parseTimeout(value!);
    } catch (err) {
      return fail(`directive ${key}: ${(err as Error).message}`);
    }
  };
  switch (key) {
    case 'no-transaction':
      if (value !== undefined) fail('directive no-transaction takes no value');
      d.transactional = false;
      return;
    case 'contract':
      if (value !== undefined) fail('directive contract takes no value');
      d.contract = true;
      return;
    case 'lock-timeout':
      d.lockTimeoutMs = duration();
      return;
    case 'statement-timeout':
      d.statementTimeoutMs = duration();
      return;
    default:
      fail(
        `unknown directive "${word}" (known: no-transaction, contract, lock-timeout=DURATION, statement-timeout=DURATION)`,
      );
  }
}
