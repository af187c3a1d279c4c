/**
 * Statements that change the session rather than the schema: the `SET` and
 * `RESET` a no-transaction file leaves behind for its later statements (and
 * that a resumed run must replay), and cursors that cannot outlive their
 * statement.
 */
import { tokens, type Token } from './splitter.js';

/** The SQL words of `text`'s first tokens, upper-cased; other tokens as `''`. */
function lead(text: string, n: number): { words: string[]; t: Token[] } {
  const t = tokens(text, n);
  return { words: t.map((x) => (x.kind === 'word' ? x.value : '')), t };
}

/**
 * True for a statement whose effect outlives its transaction on the
 * session: `SET` (not `SET LOCAL`, `SET TRANSACTION`, `SET CONSTRAINTS`),
 * `RESET`, `SET ROLE`, `SET SESSION AUTHORIZATION`.
 */
export function isSessionSetting(text: string): boolean {
  const { words } = lead(text, 3);
  if (words[0] === 'RESET') return true;
  if (words[0] !== 'SET') return false;
  if (words[1] === 'LOCAL' || words[1] === 'CONSTRAINTS' || words[1] === 'TRANSACTION')
    return false;
  // `SET SESSION CHARACTERISTICS AS TRANSACTION ...` is a setting too; only LOCAL ends with the transaction.
  return true;
}

/** True for `DECLARE ... CURSOR` without `WITH HOLD`: the cursor ends with its statement's transaction. */
export function isTransientCursor(text: string): boolean {
  const t = tokens(text, 12).map((x) => (x.kind === 'word' ? x.value : ''));
  if (t[0] !== 'DECLARE') return false;
  const cursor = t.indexOf('CURSOR');
  if (cursor < 0) return false;
  return !(t[cursor + 1] === 'WITH' && t[cursor + 2] === 'HOLD');
}
