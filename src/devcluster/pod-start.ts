/**
 * The (absent) scheduler and kubelet: a pod with no scheduling gates is
 * bound to the devcluster's one fake node and, after a short delay, marked
 * Running and Ready, as if its containers had started (none run). The
 * delay makes rollouts observable as in a real cluster; 0 starts a pod
 * within its create. One timer per starting pod, none otherwise.
 */

/** The node every started pod runs on. */
export const NODE_NAME = 'devcluster-node';

/** Default time from scheduling to Ready. */
export const DEFAULT_POD_START_DELAY_MS = 250;

/** Pending pod starts; `dispose()` cancels them when the server stops. */
export class PodStarter {
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(readonly delayMs: number = DEFAULT_POD_START_DELAY_MS) {}

  /** Runs `start` after the delay (on the next turn when the delay is 0). */
  later(start: () => void): void {
    if (this.disposed) return;
    if (this.delayMs <= 0) {
      setImmediate(() => {
        if (!this.disposed) start();
      });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      start();
    }, this.delayMs);
    this.timers.add(timer);
  }

  /** Cancels every pending start. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
