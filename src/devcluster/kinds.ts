/**
 * Rules of the simple built-in kinds: namespaces (Active at creation,
 * Terminating on delete, then emptied and removed), secrets (`stringData`
 * folded into `data`). Events live in `events.ts`.
 */
import type { ObjectApi } from './api.js';
import { isRecord, timestamp, type KubeObject } from './object.js';
import type { ResourceType } from './resources.js';
import type { KindRules } from './rules.js';

/** The namespaces that exist when a devcluster starts. */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** How long a deleted namespace stays Terminating before it is emptied (observable, as in a real cluster). */
const SWEEP_DELAY_MS = 50;

/** Namespace rules; deleting one empties it asynchronously, as the namespace controller does. */
export function namespaceRules(api: ObjectApi): KindRules {
  const sweeping = new Set<string>();
  const sweep = (nsType: ResourceType, name: string): void => {
    if (sweeping.has(name)) return;
    sweeping.add(name);
    setTimeout(() => {
      sweeping.delete(name);
      const ns = api.store.collection(nsType.storageKey).get('', name);
      if (!ns?.metadata.deletionTimestamp) return;
      let remaining = 0;
      for (const t of storedTypes(api)) {
        if (!t.namespaced) continue;
        for (const obj of [...api.store.collection(t.storageKey).list(name)]) {
          remaining++;
          if (!obj.metadata.deletionTimestamp)
            api.delete(t, name, obj.metadata.name, {}, api.context());
        }
      }
      if (remaining === 0) api.commit(nsType, 'DELETED', ns, ns);
    }, SWEEP_DELAY_MS);
  };
  api.onChange((t, ev) => {
    const ns = ev.object.metadata.namespace;
    if (ev.type !== 'DELETED' || !t.namespaced || ns === undefined) return;
    const nsType = api.registry.get('', 'v1', 'namespaces')!;
    if (api.store.collection(nsType.storageKey).get('', ns)?.metadata.deletionTimestamp)
      sweep(nsType, ns);
  });
  return {
    onCreate(_t, obj) {
      const spec = isRecord(obj.spec) ? obj.spec : {};
      const labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      return {
        ...obj,
        metadata: { ...obj.metadata, labels },
        spec: { ...spec, finalizers: spec.finalizers ?? ['kubernetes'] },
        status: { phase: 'Active' },
      };
    },
    onDelete(t, obj, ctx) {
      if (ctx.dryRun) return obj;
      if (!obj.metadata.deletionTimestamp) {
        const marked: KubeObject = {
          ...obj,
          metadata: { ...obj.metadata, deletionTimestamp: timestamp(ctx.now) },
          status: { phase: 'Terminating' },
        };
        obj = api.commit(t, 'MODIFIED', marked, obj);
      }
      sweep(t, obj.metadata.name);
      return obj;
    },
  };
}

/** One type per stored collection (versions of a CRD share one). */
function storedTypes(api: ObjectApi): ResourceType[] {
  const seen = new Map<string, ResourceType>();
  for (const t of api.registry.types()) if (!seen.has(t.storageKey)) seen.set(t.storageKey, t);
  return [...seen.values()];
}

function foldStringData(obj: KubeObject): KubeObject {
  const out: KubeObject = { ...obj, type: obj.type ?? 'Opaque' };
  if (isRecord(obj.stringData)) {
    const data: Record<string, unknown> = { ...(isRecord(obj.data) ? obj.data : {}) };
    for (const [k, v] of Object.entries(obj.stringData))
      data[k] = Buffer.from(String(v)).toString('base64');
    out.data = data;
    delete out.stringData;
  }
  return out;
}

/** Secret rules: `stringData` is write-only and lands in `data`. */
export const secretRules: KindRules = {
  onCreate: (_t, obj) => foldStringData(obj),
  onUpdate: (_t, obj) => foldStringData(obj),
  fields: { type: (o) => String(o.type ?? '') },
};
