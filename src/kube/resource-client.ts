/**
 * A typed client for one kind of resource, core or group, namespaced or
 * cluster-scoped: get, list, create, replace, delete, merge/JSON patch and
 * status patch, with the right patch content types. Errors are `KubeError`s.
 */
import type { ObjectMeta } from '../api/meta.js';
import { NotFoundError } from './errors.js';
import { errorFromStatus } from './translate.js';
import type { Transport } from './transport.js';

/**
 * Any Kubernetes object as the API serves it. No index signature: an API
 * type (`SchemaMigration`, `Organization`) is one as it is, and an object
 * with more fields says which (`SecretObject`, `LeaseObject`).
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  /** Always present on what the API returns; the name may be absent on a create with generateName. */
  metadata: ObjectMeta;
}

/** Which resource: `group` '' is the core group (`/api/v1`). */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

/** Selectors and paging for list. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Namespace to list in; omitted on a namespaced resource = all namespaces. */
  namespace?: string;
}

/** A list result: the items and the collection's resourceVersion (to watch from). */
export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

/** One RFC 6902 operation; `test` guards a patch against concurrent writers. */
export type JsonPatchOp =
  { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

/** One watch event; `BOOKMARK` carries only a resourceVersion. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

/** Options for `watch`. */
export interface WatchOptions extends ListOptions {
  resourceVersion: string;
  /** Ask the server for bookmarks (default true). */
  allowWatchBookmarks?: boolean;
  /** Server-side timeout; the server ends the watch after it. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

/** Content types for PATCH (the values client-node's `PatchStrategy` names). */
export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';

/** Where an object lives: `namespace` is ignored for cluster-scoped resources. */
export interface ObjectKey {
  name: string;
  namespace?: string;
}

/** The `ns/name` (or `name`) key used by caches and work queues. */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata;
  return m.namespace ? `${m.namespace}/${m.name}` : `${m.name}`;
}

/** Splits an `objectKey` back into namespace and name. */
export function parseKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** How a `ResourceClient` reads. */
export interface ResourceClientOptions {
  /**
   * List and watch as PartialObjectMetadata (metadata only, no data or
   * spec), as kube-apiserver serves them; see metadata.ts.
   */
  metadataOnly?: boolean;
}

/** Accept headers of metadata-only lists and watches (and gets). */
export const PARTIAL_LIST_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const PARTIAL_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** CRUD and patch for one resource. Constructing it does no I/O. */
export class ResourceClient<T extends KubeObject> {
  constructor(
    private readonly transport: Transport,
    readonly ref: ResourceRef,
    private readonly opts: ResourceClientOptions = {},
  ) {}

  /** `apiVersion` string for objects of this resource. */
  get apiVersion(): string {
    return this.ref.group ? `${this.ref.group}/${this.ref.version}` : this.ref.version;
  }

  /** The collection path, in `namespace` when namespaced and given. */
  collectionPath(namespace?: string): string {
    const { group, version, plural, namespaced } = this.ref;
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const ns = namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `${base}${ns}/${plural}`;
  }

  private objectPath(key: ObjectKey, sub = ''): string {
    if (this.ref.namespaced && !key.namespace)
      throw new TypeError(`${this.ref.plural} is namespaced: a namespace is required`);
    return `${this.collectionPath(key.namespace)}/${encodeURIComponent(key.name)}${sub}`;
  }

  private describe(verb: string, key?: ObjectKey): string {
    const at = key ? ` ${key.namespace ? `${key.namespace}/` : ''}${key.name}` : '';
    return `${verb} ${this.ref.plural}${at}`;
  }

  /** The object; `NotFoundError` when absent. */
  get(key: ObjectKey): Promise<T> {
    return this.transport.request<T>({
      method: 'GET',
      path: this.objectPath(key),
      what: this.describe('getting', key),
    });
  }

  /** The object, or undefined when absent. */
  async find(key: ObjectKey): Promise<T | undefined> {
    try {
      return await this.get(key);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** All matching objects and the list's resourceVersion. */
  async list(opts: ListOptions = {}): Promise<ListResult<T>> {
    const list = await this.transport.request<{
      kind?: string;
      items?: T[];
      metadata?: { resourceVersion?: string };
    }>({
      method: 'GET',
      path: this.collectionPath(opts.namespace),
      query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector },
      what: this.describe('listing'),
      ...(this.opts.metadataOnly ? { accept: PARTIAL_LIST_ACCEPT } : {}),
    });
    const kind = this.opts.metadataOnly ? 'PartialObjectMetadata' : this.kindOf(list);
    const items = (list.items ?? []).map((o) => ({ apiVersion: this.apiVersion, kind, ...o }));
    return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  private kindOf(list: { kind?: unknown }): string | undefined {
    return typeof list.kind === 'string' ? list.kind.replace(/List$/, '') : undefined;
  }

  /**
   * Watches from `resourceVersion`, calling `onEvent` for each event, until
   * the server ends the stream (resolves) or it fails (throws a `KubeError`;
   * an in-stream ERROR event with a 410 Status becomes a `GoneError`).
   */
  async watch(opts: WatchOptions, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
    const what = this.describe('watching');
    const kindFor = this.apiVersion;
    await this.transport.stream(
      {
        method: 'GET',
        path: this.collectionPath(opts.namespace),
        query: {
          watch: 'true',
          resourceVersion: opts.resourceVersion,
          allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
          timeoutSeconds: opts.timeoutSeconds,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
        },
        what,
        signal: opts.signal,
        ...(this.opts.metadataOnly ? { accept: PARTIAL_ACCEPT } : {}),
      },
      (line) => {
        let event: { type?: string; object?: T & { code?: number } };
        try {
          event = JSON.parse(line);
        } catch (err) {
          throw errorFromStatus(
            500,
            `unparseable watch event: ${line.slice(0, 200)}`,
            {},
            what,
            err,
          );
        }
        if (event.type === 'ERROR')
          throw errorFromStatus(event.object?.code ?? 500, event.object, {}, what);
        if (!event.object || !event.type) return;
        onEvent({
          type: event.type as WatchEvent<T>['type'],
          object: { apiVersion: kindFor, ...event.object },
        });
      },
    );
  }

  /** Creates `obj` (namespace from its metadata); `ConflictError` AlreadyExists if taken. */
  create(obj: T): Promise<T> {
    const key = { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace };
    return this.transport.request<T>({
      method: 'POST',
      path: this.collectionPath(key.namespace),
      body: obj,
      what: this.describe('creating', key),
    });
  }

  /** Replaces `obj`; its `metadata.resourceVersion` makes a concurrent write a `ConflictError`. */
  replace(obj: T): Promise<T> {
    const key = { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace };
    return this.transport.request<T>({
      method: 'PUT',
      path: this.objectPath(key),
      body: obj,
      what: this.describe('replacing', key),
    });
  }

  /** Deletes the object (foreground finalizers still apply); `NotFoundError` if absent. */
  async delete(key: ObjectKey, opts: { resourceVersion?: string } = {}): Promise<void> {
    const body = opts.resourceVersion
      ? {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          preconditions: { resourceVersion: opts.resourceVersion },
        }
      : undefined;
    await this.transport.request({
      method: 'DELETE',
      path: this.objectPath(key),
      body,
      what: this.describe('deleting', key),
    });
  }

  /** RFC 7386 merge patch; put `metadata.resourceVersion` in it to make it conditional. */
  mergePatch(key: ObjectKey, patch: unknown): Promise<T> {
    return this.patch(key, '', MERGE_PATCH, patch, 'patching');
  }

  /** RFC 6902 JSON patch; a failing `test` op is answered 422 (`InvalidError`). */
  jsonPatch(key: ObjectKey, ops: JsonPatchOp[]): Promise<T> {
    return this.patch(key, '', JSON_PATCH, ops, 'patching');
  }

  /** Merge patch of the status subresource: `{ status }` (plus resourceVersion if given). */
  patchStatus(
    key: ObjectKey,
    status: unknown,
    opts: { resourceVersion?: string } = {},
  ): Promise<T> {
    const body: Record<string, unknown> = { status };
    if (opts.resourceVersion) body.metadata = { resourceVersion: opts.resourceVersion };
    return this.patch(key, '/status', MERGE_PATCH, body, 'patching the status of');
  }

  private patch(key: ObjectKey, sub: string, type: string, body: unknown, verb: string) {
    return this.transport.request<T>({
      method: 'PATCH',
      path: this.objectPath(key, sub),
      body,
      contentType: type,
      what: this.describe(verb, key),
    });
  }
}
