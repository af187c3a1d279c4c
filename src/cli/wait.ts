/**
 * Waiting for one SchemaMigration to be Ready (at or past a version), for
 * `schema-operator wait --migration` in init containers. It reads the object
 * once with `get`, then watches it alone (field selector on its name) from
 * that object's resourceVersion, as `kubectl wait` does, so it needs only
 * `get` and `watch` on schemamigrations (restrictable to that name with
 * RBAC resourceNames). No polling: a re-read happens only when a watch
 * ends or its version expires (410).
 *
 * Readiness is the pod gate's own test (`migrationReadiness`), so an init
 * container and the gate agree on what "ready" means.
 */
import type { SchemaMigration } from '../api/index.js';
import {
  ForbiddenError,
  GoneError,
  NotFoundError,
  realClock,
  type Clock,
  type ResourceClient,
} from '../kube/index.js';
import { migrationReadiness } from '../controllers/podgate/decision.js';

/** Options of {@link waitForMigration}. */
export interface WaitForMigrationOptions {
  client: Pick<ResourceClient<SchemaMigration>, 'get' | 'watch'>;
  namespace: string;
  name: string;
  /** The lowest status.appliedVersion that satisfies (default: any, once Ready). */
  version?: string;
  timeoutMs: number;
  /** Called with a one-line description each time the observed state changes. */
  onState?(state: string): void;
  /** Delay after a failed read, doubling to `maxMs` (default 500 ms to 10 s). */
  backoff?: { baseMs: number; maxMs: number };
  clock?: Clock;
}

/** How a wait ended. */
export interface WaitForMigrationResult {
  satisfied: boolean;
  /** status.appliedVersion when satisfied. */
  appliedVersion?: string;
  /** The last state seen (what it still waited for, on timeout). */
  last: string;
}

/** A failure that waiting longer cannot fix (RBAC): `wait` exits 1 with it. */
export class WaitRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WaitRefusedError';
  }
}

/**
 * Resolves once the SchemaMigration is Ready for its current generation (and
 * at or past `version`), or with `satisfied: false` after `timeoutMs`.
 * Transient API failures are retried until then; a 401 or 403 rejects with
 * `WaitRefusedError` at once.
 */
export async function waitForMigration(
  o: WaitForMigrationOptions,
): Promise<WaitForMigrationResult> {
  const clock = o.clock ?? realClock;
  const { baseMs, maxMs } = o.backoff ?? { baseMs: 500, maxMs: 10_000 };
  const deadline = new AbortController();
  const timer = clock.setTimer(() => deadline.abort(), o.timeoutMs);
  const key = { namespace: o.namespace, name: o.name };
  let last = '';
  const report = (state: string) => {
    if (state !== last) o.onState?.(state);
    last = state;
  };
  let result: WaitForMigrationResult | undefined;
  /** True (and `result` set) when `obj` satisfies the wait. */
  const judge = (obj: SchemaMigration | undefined): boolean => {
    if (!obj) {
      report(`SchemaMigration ${o.namespace}/${o.name} does not exist (yet)`);
      return false;
    }
    const r = migrationReadiness(obj, o.version);
    if (!r.ready) {
      report(r.state);
      return false;
    }
    result = { satisfied: true, appliedVersion: r.appliedVersion, last };
    return true;
  };

  let failures = 0;
  try {
    while (!deadline.signal.aborted) {
      try {
        const current = await o.client.get(key).catch((err: unknown) => {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        });
        if (judge(current)) return result!;
        let rv = current?.metadata?.resourceVersion ?? '';
        failures = 0;
        // Watch until satisfied, the deadline, or the server ends the stream; then resume.
        for (;;) {
          const stop = new AbortController();
          const onDeadline = () => stop.abort();
          deadline.signal.addEventListener('abort', onDeadline, { once: true });
          try {
            await o.client.watch(
              {
                namespace: o.namespace,
                fieldSelector: `metadata.name=${o.name}`,
                resourceVersion: rv,
                allowWatchBookmarks: true,
                timeoutSeconds: 300,
                signal: stop.signal,
              },
              (ev) => {
                rv = ev.object.metadata?.resourceVersion ?? rv;
                if (ev.type === 'BOOKMARK' || stop.signal.aborted) return;
                if (judge(ev.type === 'DELETED' ? undefined : ev.object)) stop.abort();
              },
            );
          } finally {
            deadline.signal.removeEventListener('abort', onDeadline);
          }
          if (result) return result;
          if (deadline.signal.aborted) break;
        }
      } catch (err) {
        if (result) return result;
        if (deadline.signal.aborted) break;
        // 401 and 403 are both ForbiddenErrors.
        if (err instanceof ForbiddenError)
          throw new WaitRefusedError(
            `not allowed to read SchemaMigration ${o.namespace}/${o.name} (it needs get and watch on schemamigrations): ${(err as Error).message}`,
            { cause: err },
          );
        // 410: the version we watched from is gone; read afresh at once.
        if (err instanceof GoneError) continue;
        report(`cannot read it yet: ${(err as Error).message}`);
        await clock.sleep(Math.min(maxMs, baseMs * 2 ** Math.min(failures++, 20)), deadline.signal);
      }
    }
    return { satisfied: false, last };
  } finally {
    timer.cancel();
  }
}
