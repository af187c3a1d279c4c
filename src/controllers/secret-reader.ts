/**
 * Secret keys read on demand (get, never list or watch: the operator holds
 * no cache of every Secret). A database needs up to four keys of one Secret
 * (the URL and its TLS material), so reads of one Secret that overlap share
 * one request, and `ttlMs` may keep a read for a while.
 */
import type { KubeObject, ObjectKey } from '../kube/index.js';
import type { SecretKeyReader } from './database-secret.js';

type Secret = KubeObject & { data?: Record<string, string> };

/** Options of {@link secretKeyReader}. */
export interface SecretKeyReaderOptions {
  /** Gets a Secret, undefined when absent (a ResourceClient's `find`). */
  secrets: { find(key: ObjectKey): Promise<Secret | undefined> };
  /** How long a read Secret is reused; 0 (default) reads afresh after each read settles. */
  ttlMs?: number;
  now?: () => number;
}

/** A reader of decoded, trimmed Secret values; undefined for a missing Secret or key. */
export function secretKeyReader(o: SecretKeyReaderOptions): SecretKeyReader {
  const now = o.now ?? Date.now;
  const ttl = o.ttlMs ?? 0;
  const reads = new Map<
    string,
    { data: Promise<Record<string, string> | undefined>; at: number }
  >();
  return async (namespace, name, key) => {
    const k = `${namespace}/${name}`;
    let hit = reads.get(k);
    if (!hit || (ttl > 0 && now() - hit.at >= ttl)) {
      const data = o.secrets.find({ namespace, name }).then((s) => s?.data);
      hit = { data, at: now() };
      reads.set(k, hit);
      const mine = hit;
      const forget = () => {
        if (reads.get(k) === mine) reads.delete(k);
      };
      // A failed read or a missing Secret is never kept; without a TTL nothing is kept past the read.
      data.then((d) => (ttl > 0 && d ? undefined : forget()), forget);
    }
    const b64 = (await hit.data)?.[key];
    return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8').trim();
  };
}
