/**
 * Rounds of one-shot commands, for the start-up benchmarks (noop, wait):
 * each round runs every row once, in an order rotated from round to round,
 * and a row's ratio to a reference row is taken within the round, so a
 * machine that slows down for a while slows both alike. The table shows the
 * median of those per-round ratios beside the median, min and max times.
 */
import { checkpoint, type BenchContext } from './context.js';
import type { Timed } from './proc.js';
import { markdownTable, median, millis, ratio } from './table.js';

/** A measured command. */
export interface Row {
  label: string;
  run: () => Promise<Timed>;
}

/** What the rows took, and their per-round ratios against each reference. */
export interface Rounds {
  times: Map<Row, number[]>;
  /** ratios.get(ref).get(row): row's time over ref's, one per round. */
  ratios: Map<Row, Map<Row, number[]>>;
}

/** Runs `rows` for `rounds` rounds (a CHECKPOINT first); progress goes to stderr as `name`. */
export async function runRounds(
  ctx: BenchContext,
  opts: { name: string; rows: Row[]; refs: Row[]; rounds: number },
): Promise<Rounds> {
  const { rows, refs } = opts;
  const times = new Map<Row, number[]>(rows.map((r) => [r, []]));
  const ratios = new Map(
    refs.map((ref) => [ref, new Map<Row, number[]>(rows.map((r) => [r, []]))]),
  );
  await checkpoint(ctx);
  for (let round = 0; round < opts.rounds; round++) {
    const order = rows.map((_, i) => rows[(i + round) % rows.length]!);
    const thisRound = new Map<Row, number>();
    for (const row of order) {
      const r = await row.run();
      thisRound.set(row, r.ms);
      times.get(row)!.push(r.ms);
    }
    for (const ref of refs)
      for (const row of rows)
        ratios
          .get(ref)!
          .get(row)!
          .push(thisRound.get(row)! / thisRound.get(ref)!);
    console.error(
      `  ${opts.name} round ${round + 1}: ` +
        order.map((r) => `${r.label} ${millis(thisRound.get(r)!)} ms`).join(', '),
    );
  }
  return { times, ratios };
}

/** A Markdown table: run, median/min/max ms, then one `vs <ref>` column per reference. */
export function roundsTable(result: Rounds, refNames: string[]): string {
  const refs = [...result.ratios.keys()];
  const body = [...result.times].map(([row, ts]) => [
    row.label,
    millis(median(ts)),
    millis(Math.min(...ts)),
    millis(Math.max(...ts)),
    ...refs.map((ref) => ratio(median(result.ratios.get(ref)!.get(row)!))),
  ]);
  return markdownTable(
    ['run', 'median ms', 'min ms', 'max ms', ...refNames.map((n) => `vs ${n}`)],
    body,
  );
}
