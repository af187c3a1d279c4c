/**
 * The (absent) scheduler and kubelet: a pod with no scheduling gates is
 * bound to the devcluster's one fake node and marked Running and Ready, as
 * if its containers had started (none run). A pod a controller made (a
 * ReplicaSet's) starts after a short delay, so a rollout moves as it does
 * in a cluster and its steps can be watched; a pod created on its own
 * starts at once, as the devcluster's pods always have (the pod gate's
 * tests time releases against it). One timer per starting pod, none
 * otherwise.
 */
import type { KubeObject } from './object.js';

/** The node every started pod runs on. */
export const NODE_NAME = 'devcluster-node';

/** Default time from scheduling to Ready. */
export const DEFAULT_POD_START_DELAY_MS = 250;

/** Pending pod starts; `dispose()` cancels them when the server stops. */
export class PodStarter {
  private readonly timers = new Set<NodeJS.Timeout>();
  private disposed = false;

  constructor(readonly delayMs: number = DEFAULT_POD_START_DELAY_MS) {}

  /** How long `pod` takes to start: the delay for a controller's pod, else 0. */
  delayOf(pod: KubeObject): number {
    const owned = (pod.metadata.ownerReferences ?? []).some((r) => r.controller === true);
    return owned ? Math.max(0, this.delayMs) : 0;
  }

  /** Runs `start` after `pod`'s delay (on the next turn when it has none). */
  later(pod: KubeObject, start: () => void): void {
    if (this.disposed) return;
    const delayMs = this.delayOf(pod);
    if (delayMs <= 0) {
      setImmediate(() => {
        if (!this.disposed) start();
      });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      start();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Cancels every pending start. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
