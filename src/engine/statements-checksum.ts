/**
 * The statements checksum: a file's statements token for token, by the
 * engine's own splitter, and the directives that change how it runs. An
 * edit that touches only comments and whitespace outside string literals,
 * quoted identifiers and dollar-quoted bodies leaves it unchanged; any other
 * edit (a literal, a name, a keyword's spelling, a `;` moved, a directive)
 * changes it. The ledger keeps it beside the file checksum so that such an
 * edit of an applied file is told apart from a real one (DESIGN section 2).
 */
import { createHash } from 'node:crypto';
import type { Directives } from './directives.js';
import { standardConformingStringsChange, writtenTokens, type Statement } from './splitter.js';

/**
 * The version of the canonical form, part of every value: a later form gets
 * a new prefix, and a ledger value with an older one then reads as "not
 * comparable" (a repair), never as a false match.
 */
export const STATEMENTS_CHECKSUM_FORM = 'v1';

/** `v1:sha256:<hex>` of the directives and the statements' tokens. */
export function statementsChecksum(statements: Statement[], d: Directives): string {
  const canonical = JSON.stringify({
    directives: directivesOf(d),
    statements: tokensOf(statements),
  });
  const hex = createHash('sha256').update(canonical, 'utf8').digest('hex');
  return `${STATEMENTS_CHECKSUM_FORM}:sha256:${hex}`;
}

/** Only the parsed values: how a directive is spelled in its comment is not an edit. */
function directivesOf(d: Directives) {
  return {
    transactional: d.transactional,
    contract: d.contract,
    lockTimeoutMs: d.lockTimeoutMs ?? null,
    statementTimeoutMs: d.statementTimeoutMs ?? null,
  };
}

/** Each statement as [kind, text] pairs, lexed with the standard_conforming_strings it runs under. */
function tokensOf(statements: Statement[]): string[][][] {
  let scs = true;
  return statements.map((s) => {
    const tokens = writtenTokens(s.text, { standardConformingStrings: scs }).map((t) => [
      t.kind,
      t.text,
    ]);
    // As the splitter does: a statement that changes the setting changes how the next ones read.
    const change = standardConformingStringsChange(s.text, scs);
    if (change !== undefined) scs = change === 'reset' ? true : change;
    return tokens;
  });
}
