/**
 * WATCH: newline-delimited JSON events on a chunked HTTP response. From an
 * old resourceVersion the kept history is replayed first (410 Expired when
 * it is gone); without one (or with "0") the current objects come as ADDED.
 * Objects entering or leaving the selector arrive as ADDED/DELETED, as the
 * real watch cache does.
 */
import type { ServerResponse } from 'node:http';
import type { ObjectApi } from './api.js';
import { badRequest } from './errors.js';
import { matching, selectorOf, type ListQuery } from './list.js';
import { storedJson, type KubeObject } from './object.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import type { StoreEvent } from './store.js';
import { toPartial } from './partial.js';
import { queryFlag } from './query.js';
import { toTable, type IncludeObject } from './table.js';

/** Query parameters a watch reads beyond the selectors. */
export interface WatchQuery extends ListQuery {
  resourceVersion?: string | null;
  allowWatchBookmarks?: string | null;
  timeoutSeconds?: string | null;
}

/** Open watches, so faults can end them all at once. */
export class WatchRegistry {
  private readonly open = new Set<ServerResponse>();

  add(res: ServerResponse): void {
    this.open.add(res);
    res.once('close', () => this.open.delete(res));
  }

  /** Ends every open watch now (clients see the stream close cleanly). */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }
}

/** Options of {@link serveWatch}. */
export interface WatchOptions {
  api: ObjectApi;
  type: ResourceType;
  namespace: string | undefined;
  query: WatchQuery;
  res: ServerResponse;
  registry: WatchRegistry;
  bookmarkIntervalMs: number;
  /**
   * Events as one-row Tables (`kubectl get -w` asks for them), the column
   * definitions in the first event only, as the API server does.
   */
  table?: { include: IncludeObject; now: () => Date };
  /** Objects, bookmarks included, as PartialObjectMetadata (see partial.ts). */
  partial?: boolean;
}

/** Streams a watch on `res` until the client leaves, it times out or faults close it. */
export function serveWatch(opts: WatchOptions): void {
  const { api, type: t, query, res } = opts;
  const filter = selectorOf(api, t, query);
  const coll = api.store.collection(t.storageKey);
  const ns = t.namespaced ? opts.namespace : undefined;
  const rvParam = query.resourceVersion;
  let replay: StoreEvent[] | undefined = [];
  if (rvParam && rvParam !== '0') {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resource version: ${rvParam}`);
    replay = coll.since(rv);
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let columnsSent = false;
  const asTable = (object: unknown): unknown => {
    if (!opts.table) return object;
    const o = object as KubeObject;
    const table = toTable({
      type: t,
      objects: [o],
      resourceVersion: o.metadata.resourceVersion ?? '',
      include: opts.table.include,
      now: opts.table.now(),
    }) as { columnDefinitions?: unknown };
    if (columnsSent) table.columnDefinitions = [];
    columnsSent = true;
    return table;
  };
  const send = (type: string, object: unknown): void => {
    if (res.writableEnded) return;
    const body =
      type === 'ERROR'
        ? object
        : opts.partial
          ? toPartial(object as KubeObject)
          : type === 'BOOKMARK'
            ? object
            : asTable(object);
    // A stored object as it is: its text is shared with the write's answer and other watchers.
    const text =
      body === object && type !== 'ERROR' && type !== 'BOOKMARK'
        ? `{"type":${JSON.stringify(type)},"object":${storedJson(object as KubeObject)}}`
        : JSON.stringify({ type, object: body });
    res.write(text + '\n');
  };
  if (!replay) {
    send('ERROR', {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${rvParam} (${coll.compactedRv + 1})`,
      reason: 'Expired',
      code: 410,
    });
    res.end();
    return;
  }
  const matches = (o: KubeObject | undefined): boolean => o !== undefined && (!filter || filter(o));
  const deliver = (ev: StoreEvent): void => {
    if (ns !== undefined && ev.object.metadata.namespace !== ns) return;
    const now = matches(ev.object);
    const before = ev.type !== 'ADDED' && matches(ev.previous ?? ev.object);
    const obj = api.present(t, ev.object);
    if (ev.type === 'ADDED') {
      if (now) send('ADDED', obj);
    } else if (ev.type === 'DELETED') {
      if (before || now) send('DELETED', obj);
    } else if (now && before) send('MODIFIED', obj);
    else if (now) send('ADDED', obj);
    else if (before) send('DELETED', obj);
  };
  if (!rvParam || rvParam === '0') {
    for (const o of matching(api, t, ns, query)) send('ADDED', o);
  } else {
    for (const ev of replay) deliver(ev);
  }
  const stop = coll.watch({ ...(ns !== undefined ? { namespace: ns } : {}), deliver });
  opts.registry.add(res);
  const timers: NodeJS.Timeout[] = [];
  if (queryFlag(query.allowWatchBookmarks)) {
    const bookmark = (): void =>
      send('BOOKMARK', {
        kind: t.kind,
        apiVersion: apiVersionOf(t),
        metadata: { resourceVersion: String(api.store.currentRv) },
      });
    timers.push(setInterval(bookmark, opts.bookmarkIntervalMs));
  }
  const timeout = Number(query.timeoutSeconds);
  if (query.timeoutSeconds && timeout > 0) timers.push(setTimeout(() => res.end(), timeout * 1000));
  res.once('close', () => {
    stop();
    for (const timer of timers) clearTimeout(timer);
  });
}
