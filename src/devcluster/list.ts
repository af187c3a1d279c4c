/**
 * LIST: filtered by label and field selectors, optionally in pages
 * (`limit`/`continue`, which kubectl sends), always in key order
 * (namespace, then name), as kube-apiserver reads etcd and its watch
 * cache: clients see that order (events named by time list as they
 * happened), and a watch's initial ADDED events come in it too. Cost is
 * O(n log n) in the objects of the namespace asked for, or O(1) when the
 * field selector pins a name.
 */
import type { ObjectApi } from './api.js';
import { badRequest } from './errors.js';
import type { KubeObject } from './object.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import {
  both,
  parseFieldSelector,
  parseLabelSelector,
  pinnedName,
  type Predicate,
} from './selectors.js';

/** The query parameters a list or watch reads. */
export interface ListQuery {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: string | null;
  continue?: string | null;
}

/** The selector predicate of a list or watch request (undefined: everything). */
export function selectorOf(api: ObjectApi, t: ResourceType, q: ListQuery): Predicate | undefined {
  return both(
    parseLabelSelector(q.labelSelector),
    parseFieldSelector(q.fieldSelector, api.rulesOf(t).fields),
  );
}

/** The objects of `t` in `ns` (all namespaces when undefined) that match `q`, in key order. */
export function matching(
  api: ObjectApi,
  t: ResourceType,
  ns: string | undefined,
  q: ListQuery,
): KubeObject[] {
  const coll = api.store.collection(t.storageKey);
  const filter = selectorOf(api, t, q);
  const scope = t.namespaced ? ns : undefined;
  const pinned = pinnedName(q.fieldSelector);
  let candidates: Iterable<KubeObject>;
  if (pinned !== undefined && (scope !== undefined || !t.namespaced)) {
    const one = coll.get(scope ?? '', pinned);
    candidates = one ? [one] : [];
  } else candidates = coll.list(scope);
  const out: KubeObject[] = [];
  for (const o of candidates) if (!filter || filter(o)) out.push(api.present(t, o));
  return out.sort(byKey);
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function byKey(a: KubeObject, b: KubeObject): number {
  const [x, y] = [keyOf(a), keyOf(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      start?: unknown;
    };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

/** The List object for a LIST request. */
export function listResponse(
  api: ObjectApi,
  t: ResourceType,
  ns: string | undefined,
  q: ListQuery,
): object {
  let items = matching(api, t, ns, q);
  const rv = String(api.store.currentRv);
  const metadata: Record<string, unknown> = { resourceVersion: rv };
  const limit = q.limit ? Number(q.limit) : 0;
  if (limit > 0 || q.continue) {
    if (q.continue) {
      const start = decodeContinue(q.continue);
      items = items.filter((o) => keyOf(o) > start);
    }
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1]!;
      metadata.continue = Buffer.from(JSON.stringify({ start: keyOf(last), rv })).toString(
        'base64url',
      );
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
  }
  return { kind: t.listKind, apiVersion: apiVersionOf(t), metadata, items };
}
