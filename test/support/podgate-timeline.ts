/**
 * When things happened, as seen by watches: the first moment each
 * SchemaMigration was Ready (at a version) and the moment each gated pod
 * lost our gate. The gate tests and the gate benchmark measure latency as
 * the difference, so neither side is a poll interval.
 */
import type { SchemaMigration } from '../../src/api/index.js';
import { READY_GATE } from '../../src/api/index.js';
import { migrationReadiness } from '../../src/controllers/podgate/decision.js';
import type { GatedPod } from '../../src/controllers/pod-annotations.js';
import { pods as podsResource } from '../../src/controllers/resources.js';
import { schemaMigrations } from '../../src/controllers/resources.js';
import { objectKey, type KubeClient } from '../../src/kube/index.js';

type Smig = SchemaMigration;

/** Watches SchemaMigrations and pods of one namespace from `start()` to `stop()`. */
export class Timeline {
  private readonly smigs: Array<{ at: number; obj: Smig }> = [];
  private readonly released = new Map<string, number>();
  private readonly gated = new Set<string>();
  private readonly abort = new AbortController();
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
  ) {}

  /** Opens both watches (current objects arrive as ADDED). */
  start(): void {
    const signal = this.abort.signal;
    const opts = { namespace: this.namespace, resourceVersion: '', signal };
    void this.client
      .resource<Smig>(schemaMigrations)
      .watch(opts, (e) => {
        if (e.type !== 'BOOKMARK') this.smigs.push({ at: performance.now(), obj: e.object });
        this.wake();
      })
      .catch(() => undefined);
    void this.client
      .resource<GatedPod>(podsResource)
      .watch(opts, (e) => {
        if (e.type === 'BOOKMARK' || e.type === 'DELETED') return;
        const key = objectKey(e.object);
        const has = e.object.spec?.schedulingGates?.some((g) => g.name === READY_GATE) ?? false;
        if (has) this.gated.add(key);
        else if (this.gated.has(key) && !this.released.has(key))
          this.released.set(key, performance.now());
        this.wake();
      })
      .catch(() => undefined);
  }

  /** Closes the watches. */
  stop(): void {
    this.abort.abort();
  }

  /** The first time `name` was seen Ready (at `minVersion` or later), or undefined. */
  readyAt(name: string, minVersion?: string): number | undefined {
    return this.smigs.find(
      (s) => s.obj.metadata?.name === name && migrationReadiness(s.obj, minVersion).ready,
    )?.at;
  }

  /** When pod `name` was seen losing our gate, or undefined. */
  releasedAt(name: string): number | undefined {
    return this.released.get(`${this.namespace}/${name}`);
  }

  /** Resolves with `fn()` once it is defined; rejects after `timeoutMs`. */
  async until<T>(fn: () => T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A pod held by our gate (and `extraGates`), waiting for SchemaMigration `migration`. */
export function gatedPod(
  ns: string,
  name: string,
  migration: string,
  o: { minVersion?: string; extraGates?: string[]; gate?: boolean } = {},
): GatedPod {
  const gates = [...(o.gate === false ? [] : [READY_GATE]), ...(o.extraGates ?? [])];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { app: 'streamspace-api', 'schema.streamspace.io/gated': 'true' },
      annotations: {
        'schema.streamspace.io/migration': migration,
        ...(o.minVersion ? { 'schema.streamspace.io/min-version': o.minVersion } : {}),
      },
    },
    spec: {
      ...(gates.length ? { schedulingGates: gates.map((g) => ({ name: g })) } : {}),
      containers: [{ name: 'api', image: 'streamspace/api:dev' }],
    },
  };
}
