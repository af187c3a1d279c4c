/**
 * Migration checksums: sha256 of the normalized text, prefixed with the
 * algorithm. Normalizing makes line endings and trailing blanks irrelevant,
 * so a checkout on Windows or an editor that trims lines does not look like
 * an edit; every other change does.
 *
 * The normalization is one pass over the text. It used to be regular
 * expressions (`/[ \t\f\v]+$/` per line, `/\s+$/` at the end) that
 * backtrack: a line of 150,000 spaces followed by a letter took minutes.
 * The output is unchanged, so checksums already in databases stay valid.
 */
import { createHash } from 'node:crypto';

/** The blanks trimmed at the end of each line: space, tab, form feed, vertical tab. */
function isLineBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0c || c === 0x0b;
}

/** JavaScript's `\s` (WhiteSpace and LineTerminator), trimmed at the end of the text. */
function isJsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A line blank just before a line feed: what the full pass trims inside a text without CR. */
const BLANK_BEFORE_LF = /[ \t\f\v]\n/;

/**
 * normalizeSql's result when only the end of `text` needs trimming, else
 * null. A file saved by an editor usually has LF line ends, no blank at the
 * end of a line and a final line feed; such a text is trimmed at the end
 * without being rebuilt line by line. What follows the kept part is all
 * whitespace, so the full pass would trim it (and any CR in it) just as well.
 */
function trimmedOnlyAtEnd(text: string): string | null {
  if (text.charCodeAt(0) === 0xfeff) return null;
  let end = text.length;
  while (end > 0 && isJsSpace(text.charCodeAt(end - 1))) end--;
  const kept = text.slice(0, end);
  return kept.includes('\r') || BLANK_BEFORE_LF.test(kept) ? null : kept;
}

/** The text after: BOM removed, CRLF and CR as LF, trailing blanks trimmed per line and at the end. */
export function normalizeSql(text: string): string {
  const quick = trimmedOnlyAtEnd(text);
  if (quick !== null) return quick;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lines: string[] = [];
  let lineStart = start;
  for (let i = start; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : -1;
    if (c !== -1 && c !== 0x0a && c !== 0x0d) continue;
    // Each character is stepped over here at most once more, so this stays linear.
    let end = i;
    while (end > lineStart && isLineBlank(text.charCodeAt(end - 1))) end--;
    lines.push(text.slice(lineStart, end));
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    lineStart = i + 1;
  }
  const joined = lines.join('\n');
  let end = joined.length;
  while (end > 0 && isJsSpace(joined.charCodeAt(end - 1))) end--;
  return joined.slice(0, end);
}

/** `sha256:<hex>` of the normalized text. */
export function checksum(text: string): string {
  return 'sha256:' + createHash('sha256').update(normalizeSql(text), 'utf8').digest('hex');
}
