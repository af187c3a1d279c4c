/**
 * Writes status through the status subresource, for every kind: only when
 * it changed, serialized per object (progress written during a run never
 * lands after the final status), and, for progress, at most every
 * `throttleMs`. Removed fields are sent as null, as a merge patch needs.
 *
 * "Changed" is measured against what the API holds: the stored status, or
 * our last write while the object it was made from is still the one in
 * hand (our write reaches the informer cache a moment later, and a
 * reconcile in between must not repeat it).
 */
import { isDeepStrictEqual } from 'node:util';
import { parseKey, type ObjectKey } from '../kube/index.js';

/** Sends a merge patch to `/status` (a ResourceClient's `patchStatus`). */
export type PatchStatus = (key: ObjectKey, patch: Record<string, unknown>) => Promise<unknown>;

/** What the writer needs of an object: its identity and version. */
export interface Identified {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** An object with a status, as the writer sees it. */
export type WithStatus<S> = Identified & { status?: S };

/** Serialized, de-duplicated status writes for all objects of one kind. */
export interface StatusWriter<S extends object> {
  /** Writes `status` for `obj` unless it equals what the API holds; rejects when the patch does. */
  write(obj: WithStatus<S>, status: S): Promise<void>;
  /** Like write, but skipped when the last write of this object was under `throttleMs` ago. */
  writeThrottled(obj: WithStatus<S>, status: S): Promise<void>;
  /** Forgets an object (deleted): its next write compares with the stored status only. */
  forget(obj: Identified): void;
}

/** Options of {@link statusWriter}. */
export interface StatusWriterOptions {
  patch: PatchStatus;
  /** Minimum time between throttled writes of one object (default 500 ms). */
  throttleMs?: number;
  /** Milliseconds clock (default `Date.now`). */
  now?: () => number;
}

interface Written {
  /** The resourceVersion of the object the write was made from. */
  from: string | undefined;
  status: unknown;
  at: number;
}

/** A StatusWriter over `o.patch`. */
export function statusWriter<S extends object>(o: StatusWriterOptions): StatusWriter<S> {
  const throttleMs = o.throttleMs ?? 500;
  const now = o.now ?? Date.now;
  const last = new Map<string, Written>();
  const chains = new Map<string, Promise<void>>();

  const write = (obj: WithStatus<S>, status: S): Promise<void> => {
    const key = keyOf(obj);
    const snapshot = structuredClone(status);
    const next = (chains.get(key) ?? Promise.resolve()).then(async () => {
      const before = held(obj, last.get(key));
      if (isDeepStrictEqual(before, snapshot)) return;
      const body: Record<string, unknown> = { ...(snapshot as Record<string, unknown>) };
      for (const k of Object.keys(before)) if (!(k in snapshot)) body[k] = null;
      await o.patch(parseKey(key), body);
      last.set(key, { from: obj.metadata?.resourceVersion, status: snapshot, at: now() });
    });
    chains.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  };

  return {
    write,
    writeThrottled(obj, status) {
      const at = last.get(keyOf(obj))?.at;
      if (at !== undefined && now() - at < throttleMs) return Promise.resolve();
      return write(obj, status);
    },
    forget(obj) {
      const key = keyOf(obj);
      last.delete(key);
      chains.delete(key);
    },
  };
}

/** What the API holds: our last write if it was made from this version of the object. */
function held(obj: WithStatus<object>, written: Written | undefined): object {
  if (written && written.from === obj.metadata?.resourceVersion) return written.status as object;
  return obj.status ?? {};
}

/** The `ns/name` (or `name`) key, as kube's objectKey makes it. */
function keyOf(obj: Identified): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : `${m.name}`;
}
