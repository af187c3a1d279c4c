/** Text tables for terminals: the one column aligner of `status` and the kubectl plugin. */

/** How to lay out rows: the gap between columns and what each line starts with. */
export interface AlignOptions {
  gap?: string;
  indent?: string;
}

/**
 * Rows of cells as lines, each column padded to its widest cell; the last
 * column is not padded and no line ends in blanks.
 */
export function alignRows(
  rows: ReadonlyArray<readonly string[]>,
  { gap = '  ', indent = '' }: AlignOptions = {},
): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join(gap)
        .trimEnd(),
  );
}
