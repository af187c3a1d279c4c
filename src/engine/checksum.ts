/**
 * Migration checksums: sha256 of the normalized text, prefixed with the
 * algorithm. Normalizing makes line endings and trailing blanks irrelevant,
 * so a checkout on Windows or an editor that trims lines does not look like
 * an edit; every other change does.
 */
import { createHash } from 'node:crypto';

/** The text after: BOM removed, CRLF and CR as LF, trailing blanks trimmed per line and at the end. */
export function normalizeSql(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v]+$/, ''))
    .join('\n')
    .replace(/\s+$/, '');
}

/** `sha256:<hex>` of the normalized text. */
export function checksum(text: string): string {
  return 'sha256:' + createHash('sha256').update(normalizeSql(text), 'utf8').digest('hex');
}
