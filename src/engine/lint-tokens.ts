/** Token helpers shared by the lint rules and the column type tracker. */
import type { Token } from './splitter.js';

/** True when `t` is one of the bare words `w` (upper case). */
export const isWord = (t: Token | undefined, ...w: string[]): boolean =>
  t?.kind === 'word' && w.includes(t.value);

/** True when `t` is the symbol `s`. */
export const isSym = (t: Token | undefined, s: string): boolean =>
  t?.kind === 'symbol' && t.value === s;

/**
 * The table named at `t[i]` (after IF [NOT] EXISTS / ONLY), upper-cased and
 * without its schema, so `public.users` and `users` are one table; and the
 * index after the name.
 */
export function tableName(t: Token[], i: number): { name: string; next: number } {
  let j = i;
  while (isWord(t[j], 'IF', 'NOT', 'EXISTS', 'ONLY')) j++;
  let name = t[j]?.value ?? '';
  j++;
  while (isSym(t[j], '.')) {
    name = t[j + 1]?.value ?? name;
    j += 2;
  }
  return { name: name.toUpperCase(), next: j };
}

/** The table as written (schema kept when given), for findings. */
export function writtenTableName(t: Token[], i: number): string {
  let j = i;
  while (isWord(t[j], 'IF', 'NOT', 'EXISTS', 'ONLY')) j++;
  const parts = [t[j]];
  for (j++; isSym(t[j], '.'); j += 2) parts.push(t[j + 1]);
  return parts
    .map((p) => (p?.kind === 'word' ? p.value.toLowerCase() : (p?.value ?? '')))
    .join('.');
}

/** The comma-separated parts of `t` at parenthesis depth zero. */
export function splitTopLevel(t: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const tok of t) {
    if (isSym(tok, '(')) depth++;
    if (isSym(tok, ')')) depth--;
    if (depth === 0 && isSym(tok, ',')) parts.push([]);
    else parts.at(-1)!.push(tok);
  }
  return parts.filter((p) => p.length > 0);
}

/** The tokens inside the parentheses opening at `open`, and the index after the closing one. */
export function parenthesised(t: Token[], open: number): { inner: Token[]; next: number } {
  let depth = 0;
  for (let j = open; j < t.length; j++) {
    if (isSym(t[j], '(')) depth++;
    if (isSym(t[j], ')') && --depth === 0) return { inner: t.slice(open + 1, j), next: j + 1 };
  }
  return { inner: t.slice(open + 1), next: t.length };
}
