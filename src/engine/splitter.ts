/**
 * Splits a PostgreSQL script into statements the way the server's lexer (and
 * psql) sees it, so that a `;` inside a string, quoted identifier, comment or
 * dollar quote never ends a statement. The lexing rules mirror PostgreSQL's
 * scan.l; only what decides where tokens start and end is modelled.
 */

/** One SQL statement of a script. */
export interface Statement {
  /**
   * The statement's text from its first token up to (not including) its
   * terminating `;`, with trailing whitespace trimmed. Comments inside it are
   * kept; comments before its first token are not part of it, so that `text`,
   * `line` and `offset` all point at the same place.
   */
  text: string;
  /** 1-based line (in the whole script) of the statement's first non-comment token. */
  line: number;
  /**
   * 0-based offset of `text` in the script, in UTF-16 code units (JavaScript
   * string indexes: `script.slice(offset)` starts with `text`).
   */
  offset: number;
}

/** How the server will read the script. */
export interface SplitOptions {
  /**
   * The server's `standard_conforming_strings` (default on, as PostgreSQL has
   * defaulted since 9.1). When off, a backslash escapes the next character in
   * plain '...' strings too.
   */
  standardConformingStrings?: boolean;
}

/**
 * Splits a script into statements at top-level semicolons. Statements that
 * are empty or only comments are dropped.
 *
 * Like psql, a `;` inside parentheses (e.g. the action list of CREATE RULE) or
 * inside the `BEGIN ATOMIC ... END` body of CREATE [OR REPLACE]
 * FUNCTION/PROCEDURE does not end the statement. An unterminated quote,
 * dollar quote or block comment runs to the end of the script and becomes
 * (part of) the last statement, so that PostgreSQL reports the error rather
 * than the text being lost; an unbalanced `(` likewise swallows the rest.
 *
 * A statement that sets `standard_conforming_strings` changes how the
 * statements after it are read, as it does for the server and psql.
 */
export function splitStatements(sql: string, options: SplitOptions = {}): Statement[] {
  const initial = options.standardConformingStrings ?? true;
  let scs = initial;
  const out: Statement[] = [];
  let line = 1;
  let counted = 0;
  let start = -1;
  let parens = 0;
  let blocks = 0;
  let lead: string[] = [];

  const finish = (end: number) => {
    if (start >= 0) {
      for (; counted < start; counted++) if (sql.charCodeAt(counted) === 10) line++;
      const text = trimEnd(sql.slice(start, end));
      out.push({ text, line, offset: start });
      // The server lexes each later statement with the setting this one leaves.
      const change = standardConformingStringsChange(text, scs);
      if (change !== undefined) scs = change === 'reset' ? initial : change;
    }
    start = -1;
    parens = 0;
    blocks = 0;
    lead = [];
  };

  let pos = 0;
  while (pos < sql.length) {
    const lx = lex(sql, pos, scs);
    pos = lx.end;
    if (lx.kind === 'space') continue;
    if (lx.kind === 'comment') {
      // A comment-only rest that never closes is still an error the server must see.
      if (lx.open && start < 0) start = lx.start;
      continue;
    }
    const ch = sql[lx.start];
    if (lx.kind === 'symbol' && ch === ';' && parens === 0 && blocks === 0) {
      finish(lx.start);
      continue;
    }
    if (start < 0) start = lx.start;
    if (lx.kind === 'symbol' && ch === '(') parens++;
    else if (lx.kind === 'symbol' && ch === ')' && parens > 0) parens--;
    const word = lx.kind === 'word' ? asciiUpper(sql.slice(lx.start, lx.end)) : '';
    if (lead.length < 4) lead.push(word);
    if (word && parens === 0 && isRoutine(lead)) {
      if (word === 'BEGIN' && nextWord(sql, pos, scs) === 'ATOMIC') blocks++;
      else if (word === 'CASE' && blocks > 0) blocks++;
      else if (word === 'END' && blocks > 0) blocks--;
    }
  }
  finish(sql.length);
  return out;
}

/**
 * What a statement does to `standard_conforming_strings`: `false` for
 * `SET [SESSION|LOCAL] standard_conforming_strings = off` (or `TO false`,
 * `'off'`, `0`), `true` for setting it on, `'reset'` for `RESET` or
 * `SET ... DEFAULT`, undefined when it does not touch it.
 */
export function standardConformingStringsChange(
  text: string,
  scs = true,
): boolean | 'reset' | undefined {
  const t = tokens(text, 6, { standardConformingStrings: scs });
  const words = t.map((x) => (x.kind === 'word' ? x.value : ''));
  if (words[0] === 'RESET')
    return words[1] === 'STANDARD_CONFORMING_STRINGS' || words[1] === 'ALL' ? 'reset' : undefined;
  if (words[0] !== 'SET') return undefined;
  const i = words[1] === 'SESSION' || words[1] === 'LOCAL' ? 2 : 1;
  if (words[i] !== 'STANDARD_CONFORMING_STRINGS') return undefined;
  const eq = t[i + 1];
  const value = eq && (eq.value === '=' || eq.value === 'TO') ? t[i + 2] : undefined;
  if (!value) return undefined;
  const v = value.value.toLowerCase();
  if (value.kind === 'word' && v === 'default') return 'reset';
  if (['off', 'false', '0', 'no', 'of', 'f', 'n'].includes(v)) return false;
  if (['on', 'true', '1', 'yes', 'tr', 'tru', 't', 'y', 'ye'].includes(v)) return true;
  return undefined;
}

/** A token of a statement, for recognising what kind of statement it is. */
export interface Token {
  /**
   * `word`: keyword or unquoted identifier; `quoted`: quoted identifier;
   * `string`: any string constant; `number`; `parameter` (`$1`); `symbol`:
   * operator or punctuation.
   */
  kind: 'word' | 'quoted' | 'string' | 'number' | 'parameter' | 'symbol';
  /**
   * A word ASCII-upper-cased; a quoted identifier's name (case kept, `""`
   * undone); a string's characters with doubled quotes undone and backslash
   * escapes left as written (a dollar quote's body as is); otherwise the text.
   */
  value: string;
}

/** The tokens of `text` (comments skipped), at most `limit` of them. */
export function tokens(text: string, limit = Infinity, options: SplitOptions = {}): Token[] {
  const scs = options.standardConformingStrings ?? true;
  const out: Token[] = [];
  let pos = 0;
  while (pos < text.length && out.length < limit) {
    const lx = lex(text, pos, scs);
    pos = lx.end;
    if (lx.kind === 'space' || lx.kind === 'comment') continue;
    const raw = text.slice(lx.start, lx.end);
    let value = raw;
    if (lx.kind === 'word') value = asciiUpper(raw);
    else if (lx.kind === 'string') value = stringValue(text, lx);
    else if (lx.kind === 'quoted') {
      const name = raw.slice(raw.indexOf('"') + 1, lx.open ? undefined : -1);
      value = name.replaceAll('""', '"');
    }
    out.push({ kind: lx.kind, value });
  }
  return out;
}

/**
 * The statement's leading keywords, upper-cased, comments and quoting removed
 * (at most n words) — e.g. ['CREATE','INDEX','CONCURRENTLY']. The words end at
 * the first token that is neither a word nor a quoted identifier (such as `(`
 * or a string). A quoted identifier comes back unquoted with its case kept, so
 * `"CONCURRENTLY"` looks like the keyword here; `tokens` tells them apart.
 */
export function leadingWords(text: string, n: number): string[] {
  const words: string[] = [];
  for (const t of tokens(text, n)) {
    if (t.kind !== 'word' && t.kind !== 'quoted') break;
    words.push(t.value);
  }
  return words;
}

type Kind = Token['kind'] | 'space' | 'comment';

interface Lexeme {
  kind: Kind;
  start: number;
  end: number;
  /** An unterminated quote or block comment ran to the end of the text. */
  open: boolean;
  /** For quote-delimited strings: where the first quote is and how its body reads. */
  quote?: number;
  escapes?: boolean;
  doubles?: boolean;
}

const OP_CHARS = '~!@#^&|`?+-*/%<>=';

// PostgreSQL's whitespace; JavaScript's \s would also take e.g. U+00A0, which
// the server reads as part of an identifier.
const isSpace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
// Bytes >= 0x80 are letters to the server; in UTF-16 that is every code unit >= 0x80.
const isIdentStart = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c >= '\x80');
const isTagChar = (c: string | undefined) => isIdentStart(c) || isDigit(c);
const isIdentChar = (c: string | undefined) => isTagChar(c) || c === '$';

function asciiUpper(s: string): string {
  // The server folds identifiers in ASCII only; toUpperCase would turn e.g. 'ı' into 'I'.
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isSpace(s[end - 1])) end--;
  return s.slice(0, end);
}

function isRoutine(lead: string[]): boolean {
  const [a, b, c, d] = lead;
  const routine = (w: string | undefined) => w === 'FUNCTION' || w === 'PROCEDURE';
  return a === 'CREATE' && (routine(b) || (b === 'OR' && c === 'REPLACE' && routine(d)));
}

function nextWord(sql: string, pos: number, scs: boolean): string | undefined {
  while (pos < sql.length) {
    const lx = lex(sql, pos, scs);
    if (lx.kind === 'word') return asciiUpper(sql.slice(lx.start, lx.end));
    if (lx.kind !== 'space' && lx.kind !== 'comment') return undefined;
    pos = lx.end;
  }
  return undefined;
}

/** The lexeme starting at `i`. */
function lex(sql: string, i: number, scs: boolean): Lexeme {
  const c = sql[i];
  const next = sql[i + 1];
  const at = (kind: Kind, end: number, open = false): Lexeme => ({ kind, start: i, end, open });
  if (isSpace(c)) {
    let j = i + 1;
    while (isSpace(sql[j])) j++;
    return at('space', j);
  }
  if (c === '-' && next === '-') return at('comment', lineEnd(sql, i));
  if (c === '/' && next === '*') {
    const end = blockCommentEnd(sql, i);
    return at('comment', end < 0 ? sql.length : end, end < 0);
  }
  if (c === "'") return quoted(sql, i, i, !scs, true);
  if (c === '"') return identifier(sql, i, i);
  if (c === '$') return dollar(sql, i);
  if (isDigit(c) || (c === '.' && isDigit(next))) return number(sql, i);
  if (isIdentStart(c)) {
    // A prefix letter only counts at the start of a word: in `name'x'` the
    // `e` belongs to the identifier and the string is a plain one.
    const u = (c === 'u' || c === 'U') && next === '&';
    if (next === "'" && (c === 'e' || c === 'E')) return quoted(sql, i, i + 1, true, true);
    if (next === "'" && 'bBxX'.includes(c!)) return quoted(sql, i, i + 1, false, false);
    if (u && sql[i + 2] === "'") return quoted(sql, i, i + 2, false, true);
    if (u && sql[i + 2] === '"') return identifier(sql, i, i + 2);
    let j = i + 1;
    while (isIdentChar(sql[j])) j++;
    return at('word', j);
  }
  if (OP_CHARS.includes(c!)) {
    // An operator stops where a comment starts, as in `+--c` or `*/*c*/`.
    let j = i + 1;
    while (j < sql.length && OP_CHARS.includes(sql[j]!)) {
      if ((sql[j] === '-' && sql[j + 1] === '-') || (sql[j] === '/' && sql[j + 1] === '*')) break;
      j++;
    }
    return at('symbol', j);
  }
  return at('symbol', i + 1);
}

function lineEnd(sql: string, i: number): number {
  let j = i;
  while (j < sql.length && sql[j] !== '\n' && sql[j] !== '\r') j++;
  return j;
}

/** The end of the (nested) block comment at `i`, or -1 if it never closes. */
function blockCommentEnd(sql: string, i: number): number {
  let depth = 1;
  let j = i + 2;
  while (j < sql.length) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      j += 2;
      if (--depth === 0) return j;
    } else j++;
  }
  return -1;
}

/**
 * A quote-delimited string. `escapes`: a backslash escapes the next character
 * (E'' strings, or plain ones without standard_conforming_strings); `doubles`:
 * `''` is a quote inside the string (not so in B'' and X'', where it ends one
 * string and starts the next — the same split either way).
 */
function quoted(sql: string, i: number, q: number, escapes: boolean, doubles: boolean): Lexeme {
  const end = stringEnd(sql, q, escapes, doubles);
  const open = end < 0;
  return {
    kind: 'string',
    start: i,
    end: open ? sql.length : end,
    open,
    quote: q,
    escapes,
    doubles,
  };
}

/**
 * The end of the string whose opening quote is at `q`, or -1 if it never
 * closes. A string continues after a closing quote when only whitespace with
 * a newline lies before the next quote (`'a'\n'b'` is 'ab'); the continuation
 * is read in the same mode, which matters for E'' strings. `parts` collects
 * the string's characters.
 */
function stringEnd(sql: string, q: number, escapes: boolean, doubles: boolean, parts?: string[]) {
  let i = q + 1;
  for (;;) {
    let from = i;
    while (i < sql.length) {
      const ch = sql[i];
      if (escapes && ch === '\\') i += 2;
      else if (ch !== "'") i++;
      else if (doubles && sql[i + 1] === "'") {
        parts?.push(sql.slice(from, i + 1));
        i += 2;
        from = i;
      } else break;
    }
    if (i >= sql.length) return -1;
    parts?.push(sql.slice(from, i));
    const next = continuation(sql, i + 1);
    if (next < 0) return i + 1;
    i = next;
  }
}

/** Where the next piece of a continued string starts (after its quote), or -1. */
function continuation(sql: string, i: number): number {
  let newline = false;
  let j = i;
  for (;;) {
    const ch = sql[j];
    if (ch === ' ' || ch === '\t' || ch === '\f' || (ch === '\v' && newline)) j++;
    else if (ch === '\n' || ch === '\r') {
      newline = true;
      j++;
    } else if (ch === '-' && sql[j + 1] === '-') j = lineEnd(sql, j);
    else break;
  }
  return newline && sql[j] === "'" ? j + 1 : -1;
}

function stringValue(text: string, lx: Lexeme): string {
  if (lx.quote === undefined) {
    // A dollar quote: the body between the two tags.
    const tag = text.slice(lx.start, text.indexOf('$', lx.start + 1) + 1);
    return text.slice(lx.start + tag.length, lx.open ? lx.end : lx.end - tag.length);
  }
  const parts: string[] = [];
  if (stringEnd(text, lx.quote, lx.escapes!, lx.doubles!, parts) < 0) {
    return text.slice(lx.quote + 1, lx.end);
  }
  return parts.join('');
}

function identifier(sql: string, i: number, q: number): Lexeme {
  let j = q + 1;
  for (;;) {
    j = sql.indexOf('"', j);
    if (j < 0) return { kind: 'quoted', start: i, end: sql.length, open: true };
    if (sql[j + 1] !== '"') return { kind: 'quoted', start: i, end: j + 1, open: false };
    j += 2;
  }
}

function dollar(sql: string, i: number): Lexeme {
  let j = i + 1;
  if (isDigit(sql[j])) {
    // `$1`, and like numbers, letters right after it are glued on (`$1a$` is one token).
    while (isDigit(sql[j])) j++;
    if (isIdentStart(sql[j])) while (isIdentChar(sql[j])) j++;
    return { kind: 'parameter', start: i, end: j, open: false };
  }
  if (isIdentStart(sql[j])) while (isTagChar(sql[j])) j++;
  if (sql[j] !== '$') return { kind: 'symbol', start: i, end: i + 1, open: false };
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  if (close < 0) return { kind: 'string', start: i, end: sql.length, open: true };
  return { kind: 'string', start: i, end: close + tag.length, open: false };
}

function number(sql: string, i: number): Lexeme {
  let j = i;
  while (isDigit(sql[j])) j++;
  if (sql[j] === '.' && sql[j + 1] !== '.') {
    j++;
    while (isDigit(sql[j])) j++;
  }
  if (sql[j] === 'e' || sql[j] === 'E') {
    let k = j + 1;
    if (sql[k] === '+' || sql[k] === '-') k++;
    if (isDigit(sql[k])) {
      j = k;
      while (isDigit(sql[j])) j++;
    }
  }
  // Trailing letters are "junk" the server glues on (and rejects), `$` included.
  if (isIdentStart(sql[j])) while (isIdentChar(sql[j])) j++;
  return { kind: 'number', start: i, end: j, open: false };
}

/** A token as written, for comparing two texts token for token (statements-checksum.ts). */
export interface WrittenToken {
  kind: Token['kind'];
  /**
   * The token's text as written, except a quote-delimited string: its prefix
   * (`E`, `B`, `X`, `U&`) and characters (as in `Token.value`), so a string
   * continued over lines reads the same however the lines are laid out.
   */
  text: string;
}

/** The tokens of `text` as written (comments and whitespace skipped). */
export function writtenTokens(text: string, options: SplitOptions = {}): WrittenToken[] {
  const scs = options.standardConformingStrings ?? true;
  const out: WrittenToken[] = [];
  let pos = 0;
  while (pos < text.length) {
    const lx = lex(text, pos, scs);
    pos = lx.end;
    if (lx.kind === 'space' || lx.kind === 'comment') continue;
    const raw = text.slice(lx.start, lx.end);
    const quoted = lx.kind === 'string' && lx.quote !== undefined && !lx.open;
    out.push({
      kind: lx.kind,
      text: quoted ? `${text.slice(lx.start, lx.quote)}'${stringValue(text, lx)}'` : raw,
    });
  }
  return out;
}
