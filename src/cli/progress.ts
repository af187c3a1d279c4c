/**
 * Progress of a run on a terminal: a bar on stderr when it is a TTY, plain
 * lines otherwise (logs, CI). Either way stdout stays free for --json.
 */
import type { SingleBar } from 'cli-progress';
import type { MigrateObserver } from '../engine/migrate.js';
import type { Plan } from '../engine/plan.js';
import type { Migration } from '../engine/source.js';

/** An observer that shows progress, plus a hook to call when the run ends. */
export interface Progress extends MigrateObserver {
  stop(): void;
}

/**
 * Lines to stderr, or a bar when stderr is a terminal and the run is long
 * enough to need one. The bar's library is loaded only for a terminal: a run
 * from a script or an init container does not pay for it.
 */
export async function progress(opts: { quiet: boolean }): Promise<Progress> {
  const bars = !opts.quiet && process.stderr.isTTY ? await import('cli-progress') : null;
  const err = (s: string) => process.stderr.write(s + '\n');
  let bar: SingleBar | null = null;
  const say = (s: string) => {
    if (opts.quiet) return;
    // Clear the bar's line first; it redraws itself on the next update.
    err(bar ? `\r\x1b[K${s}` : s);
  };
  return {
    onLockBusy: (holder) =>
      say(`waiting for the migration lock, held by ${holder ?? 'another session'}`),
    onPlan(p: Plan) {
      if (!bars || p.pending.length < 2) return;
      bar = new bars.SingleBar(
        { format: '{bar} {value}/{total} {name}', stream: process.stderr, hideCursor: true },
        bars.Presets.shades_classic,
      );
      bar.start(p.pending.length, 0, { name: '' });
    },
    onStart: (m: Migration) => bar?.update({ name: `${m.version}_${m.name}` }),
    onApplied(m, ms) {
      if (bar) bar.increment();
      else say(`applied ${m.version}_${m.name} (${ms} ms)`);
    },
    onRetry: (m, e, n, delay) =>
      say(
        `retrying ${m ? `${m.version}_${m.name}` : 'the run'} in ${Math.round(delay)} ms (attempt ${n}): ${e.message}`,
      ),
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
