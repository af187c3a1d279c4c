/**
 * Storage: one collection per resource (all versions of a CRD share one),
 * indexed by namespace then name, one global resourceVersion counter (as
 * etcd's revision), and per collection a bounded log of watch events plus
 * the set of open watchers. Writing an object costs O(watchers of that
 * collection); listing a namespace costs O(objects in it).
 */
import type { KubeObject } from './object.js';

/** A change as watchers see it. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  /** The object before this change (for selector transitions). */
  previous?: KubeObject;
  rv: number;
}

/** An open watch on one collection. */
export interface Watcher {
  /** Only events in this namespace; undefined for all. */
  namespace?: string;
  deliver(ev: StoreEvent): void;
}

/** The objects and history of one resource. */
export class Collection {
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private readonly log: StoreEvent[] = [];
  private head = 0;
  /** Events at or below this revision are no longer kept. */
  compactedRv: number;
  private readonly watchers = new Set<Watcher>();
  private count = 0;

  /** A new collection holds no history, so resuming from any revision is fine. */
  constructor(private readonly historyLimit: number) {
    this.compactedRv = 0;
  }

  /** The object `namespace/name` ('' namespace for cluster-scoped). */
  get(namespace: string, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  /** Objects of one namespace, or of all when undefined. */
  *list(namespace?: string): Generator<KubeObject> {
    if (namespace !== undefined) {
      const m = this.byNamespace.get(namespace);
      if (m) yield* m.values();
      return;
    }
    for (const m of this.byNamespace.values()) yield* m.values();
  }

  /** How many objects a namespace holds (all namespaces when undefined). */
  size(namespace?: string): number {
    return namespace === undefined ? this.count : (this.byNamespace.get(namespace)?.size ?? 0);
  }

  /** Stores `obj` (replacing any object of the same name) and records the event. */
  put(ev: StoreEvent): void {
    const ns = ev.object.metadata.namespace ?? '';
    const name = ev.object.metadata.name;
    let m = this.byNamespace.get(ns);
    if (ev.type === 'DELETED') {
      if (m?.delete(name)) this.count--;
      if (m?.size === 0) this.byNamespace.delete(ns);
    } else {
      if (!m) this.byNamespace.set(ns, (m = new Map()));
      if (!m.has(name)) this.count++;
      m.set(name, ev.object);
    }
    this.record(ev);
  }

  private record(ev: StoreEvent): void {
    this.log.push(ev);
    if (this.log.length - this.head > this.historyLimit) {
      this.compactedRv = this.log[this.head]!.rv;
      this.head++;
      // Drop the consumed prefix now and then, not on every event.
      if (this.head > 1024 && this.head * 2 > this.log.length) {
        this.log.splice(0, this.head);
        this.head = 0;
      }
    }
    const ns = ev.object.metadata.namespace;
    for (const w of this.watchers) {
      if (w.namespace === undefined || w.namespace === ns) w.deliver(ev);
    }
  }

  /** Events after `rv`, or undefined when some of them are no longer kept. */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    let lo = this.head;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.log.slice(lo);
  }

  /** Forgets the history up to `rv`: watches resuming from before it get 410. */
  compact(rv: number): void {
    while (this.head < this.log.length && this.log[this.head]!.rv <= rv) this.head++;
    this.compactedRv = Math.max(this.compactedRv, rv);
  }

  /** Starts delivering events to `w`; returns the function that stops it. */
  watch(w: Watcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}

/** All collections plus the global revision. */
export class Store {
  private readonly collections = new Map<string, Collection>();
  private revision = 1;

  constructor(private readonly historyLimit: number) {}

  /** The latest revision handed out. */
  get currentRv(): number {
    return this.revision;
  }

  /** The next revision, for one write. */
  nextRv(): number {
    return ++this.revision;
  }

  /** The collection of `key`, created empty on first use. */
  collection(key: string): Collection {
    let c = this.collections.get(key);
    if (!c) {
      c = new Collection(this.historyLimit);
      this.collections.set(key, c);
    }
    return c;
  }

  /** Every collection (to sweep a namespace). */
  all(): Iterable<[string, Collection]> {
    return this.collections;
  }

  /** Forgets all kept history: every resuming watch gets 410 Gone. */
  compactAll(): void {
    for (const c of this.collections.values()) c.compact(this.revision);
  }
}
