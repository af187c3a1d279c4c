/**
 * The hook points through which a kind adds its own rules to the generic
 * create/update/delete flow (pods, namespaces, secrets, CRDs, custom
 * resources). Hooks are synchronous and pure except `afterWrite`, which may
 * schedule follow-up writes.
 */
import type { ManagedFieldsEntry } from '../api/meta.js';
import type { UserInfo } from './identity.js';
import type { KubeObject } from './object.js';
import type { ResourceType } from './resources.js';
import type { FieldGetter } from './selectors.js';
import type { StoreEvent } from './store.js';

/** Per-request facts a hook may read or add to. */
export interface WriteContext {
  now: Date;
  /** `fieldValidation=Strict`. */
  strict: boolean;
  dryRun: boolean;
  /** Sent back as `Warning` headers. */
  warnings: string[];
  /** `status` for writes through the status subresource. */
  subresource?: string;
  /** Who sends the request; the server itself when absent. */
  user?: UserInfo;
  /**
   * The field manager of the request (`fieldManager`, else the user agent's
   * product); the server's own writes have none and leave managedFields as
   * they are.
   */
  fieldManager?: string;
  /** managedFields an apply computed: stored as they are instead of recorded as an update. */
  appliedFields?: ManagedFieldsEntry[];
}

/** What a kind adds to the generic flow; every hook is optional. */
export interface KindRules {
  /** Fills server-owned fields and validates a new object; may throw ApiError. */
  onCreate?(t: ResourceType, obj: KubeObject, ctx: WriteContext): KubeObject;
  /** Validates an update against the stored object; may throw ApiError. */
  onUpdate?(t: ResourceType, obj: KubeObject, old: KubeObject, ctx: WriteContext): KubeObject;
  /** Runs once a change is stored (not for dry runs). */
  afterWrite?(t: ResourceType, ev: StoreEvent): void;
  /** Replaces the default delete (namespaces); returns the object to answer with. */
  onDelete?(t: ResourceType, obj: KubeObject, ctx: WriteContext): KubeObject | undefined;
  /** Field selectors beyond metadata.name/namespace, read from the stored object. */
  fields?: Record<string, FieldGetter>;
  /**
   * For a kind served by several API groups from one store (Events): every
   * write is stored as `storageVersion`, every read converted to the
   * version asked for. `convert` reads the source shape from `apiVersion`.
   */
  conversion?: {
    storageVersion: string;
    convert(obj: KubeObject, apiVersion: string): KubeObject;
  };
}
