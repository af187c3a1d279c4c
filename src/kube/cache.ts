/**
 * The informer's in-memory store: objects by `ns/name` key, optional
 * secondary indexes (e.g. by label), and `replace` that returns what a fresh
 * list changed so the informer can tell its handlers.
 */
import { objectKey, type KubeObject } from './resource-client.js';

/** Maps an object to the index values it is filed under (e.g. a label's value). */
export type IndexFunc<T> = (obj: T) => string[];

/** What a full replace changed. */
export interface CacheDiff<T> {
  added: T[];
  updated: Array<{ old: T; obj: T }>;
  deleted: T[];
}

/** An index function for one label: objects filed under that label's value. */
export function labelIndex<T extends KubeObject>(label: string): IndexFunc<T> {
  return (obj) => {
    const v = obj.metadata.labels?.[label];
    return v === undefined ? [] : [v];
  };
}

/** A keyed, indexed store of objects. Reads return the stored objects: do not mutate them. */
export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Record<string, IndexFunc<T>> = {}) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  /** The object stored under `key` (`ns/name` or `name`). */
  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Every stored object. */
  list(): T[] {
    return [...this.items.values()];
  }

  /** Every stored key. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects filed under `value` by the index `name`; unknown index names throw. */
  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new RangeError(`no index named ${name}`);
    return [...(index.get(value) ?? [])].map((k) => this.items.get(k)!).filter(Boolean);
  }

  /** Stores `obj`, returning the object it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes the object under `obj`'s key, returning it. */
  remove(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** Makes the store hold exactly `objs`; an object counts as updated when its resourceVersion differs. */
  replace(objs: T[]): CacheDiff<T> {
    const diff: CacheDiff<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objs) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.items.get(key);
      if (!old) diff.added.push(obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion)
        diff.updated.push({ old, obj });
      else continue;
      this.upsert(obj);
    }
    for (const [key, old] of [...this.items]) {
      if (seen.has(key)) continue;
      this.remove(old);
      diff.deleted.push(old);
    }
    return diff;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        if (!index.has(v)) index.set(v, new Set());
        index.get(v)!.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const v of fn(obj)) {
        index.get(v)?.delete(key);
        if (index.get(v)?.size === 0) index.delete(v);
      }
    }
  }
}
