/**
 * Every function that reads migration text must take time in proportion to
 * its length: a tenant controls that text, and the operator's event loop is
 * shared by every CR. Each case times an adversarial text of about 1 MB
 * against a benign SQL text of the same length and asserts a generous ratio,
 * so a slow machine slows both alike; a quadratic pass over 1 MB takes
 * minutes and fails by orders of magnitude.
 */
import { expect } from 'chai';
import { checksum, normalizeSql } from '../../../src/engine/checksum.js';
import { parseDirectives } from '../../../src/engine/directives.js';
import { concurrentIndexTarget } from '../../../src/engine/invalid-index.js';
import { lintMigration } from '../../../src/engine/lint.js';
import { parseMigration } from '../../../src/engine/source.js';
import { splitStatements, tokens } from '../../../src/engine/splitter.js';
import {
  isTransactionControl,
  nonTransactionalReason,
} from '../../../src/engine/statement-kind.js';

const SIZE = 1_000_000;

/** `unit` repeated to about SIZE characters, between `head` and `tail`. */
function fill(unit: string, head = '', tail = ''): string {
  return head + unit.repeat(Math.ceil((SIZE - head.length - tail.length) / unit.length)) + tail;
}

// CRLF line ends, as from a Windows checkout: normalizeSql takes its full pass on them. An LF
// text it only trims at the end, too fast a baseline for the full pass on an adversarial text.
const BENIGN = fill("INSERT INTO t (a, b) VALUES (1, 'x'); -- note\r\n");

/** The smallest of three timings, in milliseconds. */
function timeOf(fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

/** Texts that make backtracking regular expressions or rescanning loops quadratic. */
const ADVERSARIAL: Array<[string, string]> = [
  ['a run of spaces between statements', fill(' ', 'SELECT 1;', 'SELECT 2;')],
  ['a run of tabs, form feeds and vertical tabs', fill('\t\f\v', 'SELECT 1;', 'x')],
  ['a run of Unicode spaces before a letter', fill('\u00a0\u2000', 'SELECT 1;', 'x')],
  ['a run of spaces then a blank line at the end', fill(' ', 'SELECT 1;', 'x \n')],
  ['carriage returns', fill('\r', 'SELECT 1;', 'x')],
  ['a directive line with a long blank run', fill(' ', '-- schema-operator:', 'x')],
  ['a directive with a long value', fill('1', '-- schema-operator: lock-timeout=', 'x\nSELECT 1;')],
  ['many directive lines', fill('-- schema-operator: no-transaction\n', '', 'SELECT 1;')],
  ['many comment lines above statements on one line', fill('--\n', '', 'a;'.repeat(20_000))],
  [
    'many statements on one line under ignores',
    fill('-- lint-ignore set-not-null\n', '', 'a;'.repeat(20_000)),
  ],
  ['an unclosed nested block comment', fill('/*', 'SELECT 1;')],
  ['an unclosed quote', fill('a', "SELECT '")],
  ['doubled quotes', fill("''", "SELECT '")],
  ['string continuations', fill("'a'\n", 'SELECT ')],
  ['continuation-like comment lines after a string', fill('\n-- c', "SELECT 'a'", 'x')],
  ['an unclosed dollar quote', fill('$', 'SELECT $a$')],
  ['a long dollar tag with near matches', fill('a', 'SELECT $', '$ x $' + 'a'.repeat(1000))],
  ['dollar signs and tag letters', fill('$a', 'SELECT ')],
  ['a long identifier', fill('a', 'SELECT ')],
  ['quoted identifiers with doubled quotes', fill('""', 'CREATE INDEX CONCURRENTLY "')],
  ['a long number', fill('1', 'SELECT ', 'e+')],
  [
    'many BEGIN words in a routine',
    fill('BEGIN ', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql '),
  ],
  ['a long ALTER TABLE', fill('ALTER COLUMN a SET NOT NULL, ', 'ALTER TABLE t ', 'x;')],
  ['a long CREATE INDEX CONCURRENTLY', fill(' ', 'CREATE INDEX CONCURRENTLY', 'x')],
  ['open parentheses', fill('(', 'SELECT ')],
];

/** Everything the engine runs on a migration's text. */
const OPERATIONS: Array<[string, (text: string) => unknown]> = [
  ['normalizeSql', normalizeSql],
  ['checksum', checksum],
  [
    'parseDirectives',
    (t) => {
      try {
        return parseDirectives(normalizeSql(t), 'f');
      } catch {
        return undefined;
      }
    },
  ],
  ['splitStatements', (t) => splitStatements(t)],
  ['tokens', (t) => tokens(t)],
  [
    'statement kinds',
    (t) => {
      for (const s of splitStatements(t)) {
        nonTransactionalReason(s.text);
        isTransactionControl(s.text);
        concurrentIndexTarget(s.text);
      }
    },
  ],
  [
    'parseMigration',
    (t) => {
      try {
        return parseMigration({ name: '1_a.sql', content: t });
      } catch {
        return undefined;
      }
    },
  ],
  [
    'lint',
    (t) => {
      try {
        return lintMigration(parseMigration({ name: '1_a.sql', content: t }, { validate: false }));
      } catch {
        return undefined;
      }
    },
  ],
];

describe('text handling on adversarial 1 MB migrations', function () {
  this.timeout(120_000);
  const baseline = new Map<string, number>();

  for (const [op, fn] of OPERATIONS) {
    for (const [what, text] of ADVERSARIAL) {
      it(`${op} takes linear time on ${what}`, () => {
        if (!baseline.has(op))
          baseline.set(
            op,
            timeOf(() => fn(BENIGN)),
          );
        const benign = baseline.get(op)!;
        const took = timeOf(() => fn(text));
        // 50 ms of slack: a benign pass can take a few milliseconds, where timer noise dominates.
        expect(took, `${took.toFixed(1)} ms against ${benign.toFixed(1)} ms benign`).to.be.below(
          25 * benign + 50,
        );
      });
    }
  }
});
