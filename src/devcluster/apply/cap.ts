/**
 * The cap kube-apiserver puts on `Update` entries: past ten, the oldest are
 * folded, per API version, into one `ancient-changes` entry, so an object
 * written by many short-lived managers does not grow without bound. Apply
 * entries are never folded.
 */
import { identity, type Manager } from './managers.js';

/** The most `Update` entries kept (kube-apiserver's default). */
export const MAX_UPDATE_MANAGERS = 10;

/** The manager that holds folded entries. */
const ANCIENT = 'ancient-changes';

/** `managers` with the oldest Update entries folded until at most {@link MAX_UPDATE_MANAGERS} remain. */
export function capUpdateManagers(managers: Manager[]): Manager[] {
  const updaters = managers.filter((m) => m.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managers;
  const seconds = (m: Manager) => (m.time ? Math.floor(Date.parse(m.time) / 1000) : 0);
  updaters.sort((a, b) => seconds(a) - seconds(b) || (identity(a) < identity(b) ? -1 : 1));
  const out = new Set(managers);
  const firstOfVersion = new Map<string, Manager>();
  const buckets = new Map<string, Manager>();
  for (const m of managers) {
    if (m.manager === ANCIENT && m.operation === 'Update' && m.subresource === '')
      buckets.set(m.apiVersion, m);
  }
  let length = updaters.length;
  for (const m of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const first = firstOfVersion.get(m.apiVersion);
    if (!first) {
      // The first of a version stays as it is unless a later one of that version joins it.
      firstOfVersion.set(m.apiVersion, m);
      continue;
    }
    let bucket = buckets.get(m.apiVersion);
    if (!bucket) {
      out.delete(first);
      bucket = { ...first, manager: ANCIENT, operation: 'Update', subresource: '' };
      buckets.set(m.apiVersion, bucket);
      out.add(bucket);
    }
    bucket.set = new Set([...bucket.set, ...m.set]);
    bucket.time = m.time;
    out.delete(m);
    length--;
  }
  return [...out];
}
