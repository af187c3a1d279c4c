/**
 * `schema-operator lint`: flags, with file and line, statements that would
 * hold strong locks on tables with data (see lint-rules.ts). A finding is
 * silenced by a comment on the statement's line or the lines just above it:
 *
 *   -- lint-ignore set-not-null: the table is empty until the API starts
 *
 * The reason is required: an ignore without one is itself a finding.
 */
import type { Queryable } from './ledger.js';
import { checkStatement, LINT_RULES, type LintRule } from './lint-rules.js';
import { TypeTracker } from './lint-tracker.js';
import { calledFunctions, readVolatility, type VolatilityMap } from './lint-volatility.js';
import type { Migration } from './source.js';
import { tokens } from './splitter.js';

export { LINT_RULES, type LintRule } from './lint-rules.js';

/** One problem in one statement. */
export interface LintFinding {
  rule: LintRule | 'lint-ignore-without-reason';
  file: string;
  line: number;
  message: string;
  /** The lock the statement takes on its table (e.g. `ACCESS EXCLUSIVE`), when known. */
  lock?: string;
  /** True when the statement rewrites the whole table. */
  rewrites?: boolean;
  /** True when the statement scans the whole table (e.g. to validate a constraint). */
  scans?: boolean;
  /** The table the statement works on, schema-qualified when the file says so. */
  table?: string;
}

/** What lint may know besides the files. */
export interface LintOptions {
  /** Function volatility read from the database (see lintMigrationsAgainst). */
  volatility?: VolatilityMap;
  /** Column types followed so far; one tracker is shared by the files of one run, in order. */
  types?: TypeTracker;
}

const IGNORE = /^\s*--\s*lint-ignore\s+([a-z-]+)\s*(?::\s*(.*))?$/;

/**
 * Findings of every migration, in file and line order. Column types are
 * followed from file to file, so a type change is judged against the type
 * the earlier files gave the column.
 */
export function lintMigrations(migrations: Migration[], options: LintOptions = {}): LintFinding[] {
  const types = options.types ?? new TypeTracker();
  return migrations.flatMap((m) => lintMigration(m, { ...options, types }));
}

/**
 * Like lintMigrations, with the volatility of every function the files call
 * read from the database's pg_proc, so a default calling a user function is
 * judged by what the function is rather than reported as possibly volatile.
 */
export async function lintMigrationsAgainst(
  c: Queryable,
  migrations: Migration[],
  options: LintOptions = {},
): Promise<LintFinding[]> {
  const names = new Set(
    migrations.flatMap((m) => m.statements.flatMap((s) => calledFunctions(tokens(s.text)))),
  );
  const volatility = await readVolatility(c, [...names]);
  return lintMigrations(migrations, { ...options, volatility });
}

/**
 * The findings of the `pending` files only, as a plan shows them: column
 * types are followed through every earlier file of `all` (the applied ones
 * too), and, given a connection, functions are judged by its pg_proc.
 */
export async function pendingFindings(
  c: Queryable | undefined,
  all: Migration[],
  pending: Migration[],
): Promise<LintFinding[]> {
  const files = new Set(pending.map((m) => m.file));
  const findings = c ? await lintMigrationsAgainst(c, all) : lintMigrations(all);
  return findings.filter((f) => files.has(f.file));
}

/** Findings of one migration. */
export function lintMigration(m: Migration, options: LintOptions = {}): LintFinding[] {
  const types = options.types ?? new TypeTracker();
  const lines = m.sql.split('\n');
  const created = new Set<string>();
  const findings: LintFinding[] = [];
  // Statements sharing a line share its comments: read them once, so many
  // statements on one line under many comment lines stay linear.
  const byLine = new Map<number, Set<LintRule>>();
  for (const s of m.statements) {
    let ignored = byLine.get(s.line);
    if (!ignored) byLine.set(s.line, (ignored = ignoresFor(lines, s.line, m.file, findings)));
    const t = tokens(s.text);
    for (const { rule, message, ...effects } of checkStatement(t, {
      created,
      types,
      volatility: options.volatility,
    })) {
      if (!ignored.has(rule))
        findings.push({
          rule,
          file: m.file,
          line: s.line,
          message: message ?? LINT_RULES[rule],
          ...effects,
        });
    }
    types.observe(t);
  }
  return findings;
}

/** Rules ignored by comments on the statement's line or the comment lines right above it. */
function ignoresFor(
  lines: string[],
  line: number,
  file: string,
  findings: LintFinding[],
): Set<LintRule> {
  const rules = new Set<LintRule>();
  const consider = (text: string, at: number) => {
    const comment = text.includes('--') ? text.slice(text.indexOf('--')) : '';
    const m = IGNORE.exec(comment);
    if (!m) return;
    if (!(m[1]! in LINT_RULES)) return;
    if (!m[2]?.trim()) {
      findings.push({
        rule: 'lint-ignore-without-reason',
        file,
        line: at,
        message: `lint-ignore ${m[1]} needs a reason after a colon`,
      });
      return;
    }
    rules.add(m[1] as LintRule);
  };
  consider(lines[line - 1] ?? '', line);
  for (let i = line - 2; i >= 0 && lines[i]!.trim().startsWith('--'); i--)
    consider(lines[i]!, i + 1);
  return rules;
}
