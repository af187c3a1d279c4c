/**
 * Same-run baselines for the operator benchmarks (orgs, orgs-class, fleet):
 * `BENCH_BASELINE` names another checkout with a built `dist/` (main's, or
 * any commit), and the benchmark runs that build's `schema-operator run`
 * too, just before this one's, on the same machine in the same minutes. On a
 * shared, noisy machine only such a ratio means anything.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CLI } from '../support/cli.js';
import { markdownTable, ratio } from './table.js';

/** One operator build to measure. */
export interface Build {
  /** `baseline` or `this`. */
  name: string;
  /** Its entry point (`dist/src/cli/main.js`). */
  cli: string;
}

/** This checkout's build. */
export const THIS_BUILD: Build = { name: 'this', cli: CLI };

/** The build of checkout `dir` (its `dist/` must be built). */
export function buildOf(dir: string): Build {
  return { name: 'baseline', cli: join(dir, 'dist', 'src', 'cli', 'main.js') };
}

/** The builds to run, baseline first: `BENCH_BASELINE` (or `fallback`) when set, and this one. */
export function builds(env: NodeJS.ProcessEnv = process.env, fallback?: string): Build[] {
  const dir = env.BENCH_BASELINE ?? fallback;
  return dir ? [buildOf(dir), THIS_BUILD] : [THIS_BUILD];
}

/** The leading number of a cell (`7.3 s`, `163 MB`, `4.00`), or NaN. */
function numberIn(cell: string): number {
  const m = /^\s*([-+]?\d+(?:\.\d+)?)/.exec(cell);
  return m ? Number(m[1]) : NaN;
}

/**
 * One table of `[measure, value, goal]` rows per build, side by side:
 * measure, baseline, this, ratio (this / baseline, where both are numbers),
 * goal. Rows are matched by measure; one build's extra rows show `-` for the other.
 */
export function sideBySide(baseline: string[][], current: string[][]): string {
  const base = new Map(baseline.map((r) => [r[0]!, r]));
  const order = [...current.map((r) => r[0]!)];
  for (const r of baseline) if (!order.includes(r[0]!)) order.push(r[0]!);
  const now = new Map(current.map((r) => [r[0]!, r]));
  const rows = order.map((measure) => {
    const b = base.get(measure);
    const c = now.get(measure);
    const bv = b?.[1] ?? '-';
    const cv = c?.[1] ?? '-';
    const r = numberIn(cv) / numberIn(bv);
    return [measure, bv, cv, Number.isFinite(r) ? ratio(r) : '', c?.[2] ?? b?.[2] ?? ''];
  });
  return markdownTable(['measure', 'baseline', 'this', 'ratio', 'goal'], rows);
}

/** The checkout a build's entry point belongs to (`<checkout>/dist/src/cli/main.js`). */
export function checkoutOf(cli: string): string {
  return resolve(dirname(cli), '..', '..', '..');
}

/**
 * The node flags the checkout's Deployment (`manifests/deployment.yaml`)
 * runs the operator with, from its `NODE_OPTIONS`: the benchmarks run each
 * build's operator the way that build is deployed, so a V8 flag measured
 * here is the one the image gets. None when the file or variable is absent.
 */
export function deploymentNodeFlags(checkout: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(checkout, 'manifests', 'deployment.yaml'), 'utf8');
  } catch {
    return [];
  }
  const deployment = parse(text) as {
    spec?: {
      template?: {
        spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> };
      };
    };
  };
  const env = deployment.spec?.template?.spec?.containers?.[0]?.env ?? [];
  const value = env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  return value.split(' ').filter(Boolean);
}

/** The node flags of `build`'s operator: its Deployment's. */
export function buildNodeFlags(build: Build): string[] {
  return deploymentNodeFlags(checkoutOf(build.cli));
}
