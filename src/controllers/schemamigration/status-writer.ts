/**
 * Writes a SchemaMigration's status through the status subresource: only
 * when it changed, in order (progress written during a run never lands after
 * the final status), and at most every `throttleMs` for progress updates.
 * Removed fields are sent as null, as a merge patch needs.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SchemaMigration, SchemaMigrationStatus } from '../../api/index.js';

/** Sends a merge patch to `/status`; the Kubernetes layer provides it. */
export type PatchStatus = (
  namespace: string,
  name: string,
  patch: Record<string, unknown>,
) => Promise<void>;

/** Serialized, de-duplicated status writes for all SchemaMigrations. */
export interface StatusWriter {
  write(obj: SchemaMigration, status: SchemaMigrationStatus): Promise<void>;
  /** Like write, but skipped when the last write of this object was under throttleMs ago. */
  writeThrottled(obj: SchemaMigration, status: SchemaMigrationStatus): Promise<void>;
}

/** A StatusWriter over `patch`. */
export function statusWriter(patch: PatchStatus, throttleMs = 500): StatusWriter {
  const last = new Map<string, { status: SchemaMigrationStatus; at: number }>();
  const chains = new Map<string, Promise<void>>();

  const write = (obj: SchemaMigration, status: SchemaMigrationStatus): Promise<void> => {
    const key = `${obj.metadata!.namespace}/${obj.metadata!.name}`;
    const snapshot = structuredClone(status);
    const next = (chains.get(key) ?? Promise.resolve()).then(async () => {
      const before = last.get(key)?.status ?? obj.status ?? {};
      if (isDeepStrictEqual(before, snapshot)) return;
      const body: Record<string, unknown> = { ...snapshot };
      for (const k of Object.keys(before)) if (!(k in snapshot)) body[k] = null;
      await patch(obj.metadata!.namespace!, obj.metadata!.name!, body);
      last.set(key, { status: snapshot, at: Date.now() });
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
      const key = `${obj.metadata!.namespace}/${obj.metadata!.name}`;
      const at = last.get(key)?.at ?? 0;
      if (Date.now() - at < throttleMs) return Promise.resolve();
      return write(obj, status).catch(() => undefined);
    },
  };
}
