/**
 * A rollout as the watches saw it: every change of the gated pods and of
 * the SchemaMigrations of one namespace, each with the wall-clock time it
 * arrived and the resourceVersion the server gave it. The devcluster counts
 * resourceVersions globally (as etcd's revision), so sorting by it orders a
 * pod change against a status change exactly, whichever watch delivered
 * first; the arrival times measure latencies.
 */
import type { SchemaMigration } from '../../src/api/index.js';
import { READY_GATE } from '../../src/api/index.js';
import type { GatedPod } from '../../src/controllers/pod-annotations.js';
import { pods as podsResource, schemaMigrations } from '../../src/controllers/resources.js';
import type { KubeClient } from '../../src/kube/index.js';

const MIN_VERSION = 'schema.streamspace.io/min-version';

/** One change of a pod. */
export interface PodSample {
  /** Arrival, in epoch milliseconds (fractional), comparable with PostgreSQL's clock. */
  at: number;
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  minVersion?: string;
  /** Our gate is gone: the operator let the pod start. */
  released: boolean;
}

/** One change of a SchemaMigration. */
export interface SmigSample {
  at: number;
  rv: number;
  obj: SchemaMigration;
}

/** What the watches recorded. */
export interface Samples {
  pods: PodSample[];
  smigs: SmigSample[];
}

/** Now, in epoch milliseconds with the fraction `performance` gives. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Watches the pods and SchemaMigrations of one namespace from `start()` to `stop()`. */
export class RolloutTimeline implements Samples {
  readonly pods: PodSample[] = [];
  readonly smigs: SmigSample[] = [];
  private readonly abort = new AbortController();
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly o: { client: KubeClient; namespace: string }) {}

  /** Opens both watches (objects that exist already arrive as ADDED). */
  start(): void {
    const opts = { namespace: this.o.namespace, resourceVersion: '', signal: this.abort.signal };
    void this.o.client
      .resource<SchemaMigration>(schemaMigrations)
      .watch(opts, (e) => {
        if (e.type === 'BOOKMARK') return;
        this.smigs.push({ at: epochMs(), rv: rvOf(e.object), obj: e.object });
        this.wake();
      })
      .catch(() => undefined);
    void this.o.client
      .resource<GatedPod>(podsResource)
      .watch(opts, (e) => {
        if (e.type === 'BOOKMARK') return;
        this.pods.push(podSample(e.type, e.object));
        this.wake();
      })
      .catch(() => undefined);
  }

  /** Closes the watches. */
  stop(): void {
    this.abort.abort();
  }

  /** Resolves with `fn()` once it is defined, re-checking on every change; rejects after `timeoutMs`. */
  async until<T>(fn: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 500));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The names of the pods that exist now (as far as the watch has told). */
  live(which: (p: PodSample) => boolean = () => true): string[] {
    const last = new Map<string, PodSample>();
    for (const p of this.pods) last.set(p.name, p);
    return [...last.values()].filter((p) => p.type !== 'DELETED' && which(p)).map((p) => p.name);
  }

  /** The latest SchemaMigration `name` seen, or undefined. */
  smig(name: string): SchemaMigration | undefined {
    return this.smigs.findLast((s) => s.obj.metadata?.name === name)?.obj;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

function podSample(type: PodSample['type'], pod: GatedPod): PodSample {
  const minVersion = pod.metadata?.annotations?.[MIN_VERSION];
  return {
    at: epochMs(),
    rv: rvOf(pod),
    type,
    name: pod.metadata?.name ?? '',
    ...(minVersion !== undefined ? { minVersion } : {}),
    released: !(pod.spec?.schedulingGates ?? []).some((g) => g.name === READY_GATE),
  };
}

const rvOf = (o: { metadata?: { resourceVersion?: string } }): number =>
  Number(o.metadata?.resourceVersion ?? NaN);

/**
 * The pod changes, in the server's order, that show a released pod while
 * the schema the SchemaMigration last reported applied was below the pod's
 * min-version (or while none was applied). The operator writes the status
 * after the database changed and removes the gate after reading the status,
 * so a correct operator leaves this empty.
 */
export function releasedBelowMinVersion(s: Samples): PodSample[] {
  const merged = [
    ...s.pods.map((p) => ({ rv: p.rv, pod: p })),
    ...s.smigs.map((m) => ({ rv: m.rv, applied: m.obj.status?.appliedVersion })),
  ].sort((a, b) => a.rv - b.rv);
  let applied: string | undefined;
  const bad: PodSample[] = [];
  for (const e of merged) {
    if ('applied' in e) applied = e.applied;
    else if (e.pod.type !== 'DELETED' && e.pod.released && e.pod.minVersion !== undefined) {
      if (applied === undefined || Number(applied) < Number(e.pod.minVersion)) bad.push(e.pod);
    }
  }
  return bad;
}

/** The DELETED sample of the pod matching `which` that went last, or undefined. */
export function lastGone(s: Samples, which: (p: PodSample) => boolean): PodSample | undefined {
  return s.pods.filter((p) => p.type === 'DELETED' && which(p)).at(-1);
}
