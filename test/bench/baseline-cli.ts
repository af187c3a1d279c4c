/**
 * A second build of the CLI to compare with in the same run:
 * BENCH_BASELINE_CLI names its `dist/src/cli/main.js` (a checkout of an
 * earlier commit, built). The start-up benchmarks then add a "before" row
 * for it, so a change is measured against what it replaces under the same
 * load, round by round.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The baseline CLI's entry point, or null when BENCH_BASELINE_CLI is not set. */
export function baselineCli(): string | null {
  const path = process.env.BENCH_BASELINE_CLI;
  if (!path) return null;
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`BENCH_BASELINE_CLI: ${full} does not exist`);
  return full;
}
