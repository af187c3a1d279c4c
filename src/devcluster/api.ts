/**
 * The generic object operations every resource shares: get, list, create,
 * update (main and status endpoints), patch, delete with finalizers. Kind
 * specifics come in through {@link KindRules}; HTTP is not known here.
 */
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  STALE_OBJECT,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  unsupportedMediaType,
} from './errors.js';
import type { AdmissionPolicies, Operation } from './admission.js';
import { SYSTEM_USER } from './identity.js';
import { generateName, validateName } from './names.js';
import {
  deepEqual,
  isRecord,
  specPart,
  timestamp,
  type KubeObject,
  type StoredMeta,
} from './object.js';
import { jsonPatch, mergePatch } from './patch.js';
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './resources.js';
import type { KindRules, WriteContext } from './rules.js';
import type { Store, StoreEvent } from './store.js';
import { strategicMergePatch } from './strategic.js';
import { applyConfig } from './apply/apply.js';
import { checkApplied } from './apply/config.js';
import { afterUpdate, writerOf } from './apply/managers.js';
import { tracksGeneration } from './generation.js';

/** The largest object stored, as etcd's request limit. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** Options of a DELETE. */
export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** Object operations over the store, with the kind rules applied. */
export class ObjectApi {
  private readonly rules = new Map<string, KindRules>();
  /** Rules of every custom resource (looked up when a type has `custom`). */
  customRules: KindRules = {};
  clock: () => Date = () => new Date();
  /** ValidatingAdmissionPolicies enforced on every write (none when unset). */
  admission: AdmissionPolicies | undefined;
  private readonly listeners: Array<(t: ResourceType, ev: StoreEvent) => void> = [];

  constructor(
    readonly store: Store,
    readonly registry: ResourceRegistry,
  ) {}

  /** Installs the rules of the kind stored under `storageKey`. */
  setRules(storageKey: string, rules: KindRules): void {
    this.rules.set(storageKey, rules);
  }

  /** Calls `fn` after every stored change of any kind. */
  onChange(fn: (t: ResourceType, ev: StoreEvent) => void): void {
    this.listeners.push(fn);
  }

  /** The rules that apply to `t`. */
  rulesOf(t: ResourceType): KindRules {
    return t.custom ? this.customRules : (this.rules.get(t.storageKey) ?? {});
  }

  /** A fresh write context. */
  context(opts: Partial<WriteContext> = {}): WriteContext {
    return { now: this.clock(), strict: false, dryRun: false, warnings: [], ...opts };
  }

  /** The stored object, or 404. */
  get(t: ResourceType, ns: string, name: string): KubeObject {
    const obj = this.store.collection(t.storageKey).get(t.namespaced ? ns : '', name);
    if (!obj) throw notFound(t, name);
    return this.present(t, obj);
  }

  /** The object as served at `t`'s version (CRD versions and the two Event APIs share storage). */
  present(t: ResourceType, obj: KubeObject): KubeObject {
    const apiVersion = apiVersionOf(t);
    const conversion = this.rulesOf(t).conversion;
    if (conversion) return conversion.convert(obj, apiVersion);
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  /** Runs admission policies on a write; throws the refusal. */
  private admit(
    t: ResourceType,
    operation: Operation,
    objects: { ns: string; name: string; object: KubeObject | null; oldObject: KubeObject | null },
    ctx: WriteContext,
  ): void {
    if (!this.admission) return;
    const nsType = this.registry.get('', 'v1', 'namespaces')!;
    const namespaceObject = t.namespaced
      ? this.store.collection(nsType.storageKey).get('', objects.ns)
      : undefined;
    this.admission.admit(
      {
        type: t,
        operation,
        namespace: t.namespaced ? objects.ns : '',
        name: objects.name,
        subresource: ctx.subresource ?? '',
        object: objects.object,
        oldObject: objects.oldObject,
        ...(namespaceObject ? { namespaceObject } : {}),
      },
      ctx.user ?? SYSTEM_USER,
      ctx.warnings,
      ctx.dryRun,
    );
  }

  /** The object in its stored shape (the same object unless the kind converts). */
  private stored(t: ResourceType, obj: KubeObject): KubeObject {
    const conversion = this.rulesOf(t).conversion;
    return conversion ? conversion.convert(obj, conversion.storageVersion) : obj;
  }

  /** Refuses writes into a missing or terminating namespace, as the real server does. */
  private checkNamespace(t: ResourceType, ns: string, name: string): void {
    if (!t.namespaced) return;
    const nsType = this.registry.get('', 'v1', 'namespaces')!;
    const namespace = this.store.collection(nsType.storageKey).get('', ns);
    if (!namespace) throw notFound(nsType, ns);
    if (namespace.metadata.deletionTimestamp) {
      throw forbidden(
        t,
        name,
        `unable to create new content in namespace ${ns} because it is being terminated`,
      );
    }
  }

  private checkTypeMeta(t: ResourceType, obj: KubeObject): KubeObject {
    if (!isRecord(obj) || !isRecord(obj.metadata)) {
      if (isRecord(obj)) return this.checkTypeMeta(t, { ...obj, metadata: { name: '' } });
      throw badRequest('the body of the request is not a JSON object');
    }
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== t.kind) {
      throw badRequest(
        `the kind of the object (${String(obj.kind)}) does not match the kind on the URL (${t.kind})`,
      );
    }
    return { ...obj, apiVersion: apiVersionOf(t), kind: t.kind };
  }

  /** POST: stores a new object and returns it. */
  create(t: ResourceType, ns: string, body: KubeObject, ctx: WriteContext): KubeObject {
    let obj = this.checkTypeMeta(t, body);
    const meta = { ...obj.metadata };
    if (t.namespaced) {
      if (meta.namespace && meta.namespace !== ns) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = ns;
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (!meta.name) {
      throw invalid({
        kind: t.kind,
        group: t.group,
        name: '',
        errors: [
          {
            type: 'FieldValueRequired',
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
          },
        ],
      });
    }
    const nameErrors = validateName(meta.name, t.resource === 'namespaces' ? 'label' : 'subdomain');
    if (nameErrors.length)
      throw invalid({ kind: t.kind, group: t.group, name: meta.name, errors: nameErrors });
    this.checkNamespace(t, ns, meta.name);
    const coll = this.store.collection(t.storageKey);
    if (coll.get(meta.namespace ?? '', meta.name)) throw alreadyExists(t, meta.name);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(ctx.now);
    // Kinds without generation keep what the client sent, as kube-apiserver's BeforeCreate does.
    if (tracksGeneration(t)) meta.generation = 1;
    obj = { ...obj, metadata: meta };
    if (t.status) delete obj.status;
    const rules = this.rulesOf(t);
    if (rules.onCreate) obj = rules.onCreate(t, obj, ctx);
    obj = this.manage(t, undefined, obj, ctx);
    checkSize(obj);
    this.admit(t, 'CREATE', { ns, name: meta.name, object: obj, oldObject: null }, ctx);
    if (ctx.dryRun) return obj;
    obj = { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } };
    return this.commit(t, 'ADDED', obj, undefined);
  }

  /** Stores `obj` with a new resourceVersion, records the event and runs afterWrite. */
  commit(
    t: ResourceType,
    type: StoreEvent['type'],
    obj: KubeObject,
    previous: KubeObject | undefined,
  ): KubeObject {
    const rv = this.store.nextRv();
    const shaped = this.stored(t, obj);
    const stored = { ...shaped, metadata: { ...shaped.metadata, resourceVersion: String(rv) } };
    const before = previous && this.stored(t, previous);
    const ev: StoreEvent = { type, object: stored, rv, ...(before ? { previous: before } : {}) };
    this.store.collection(t.storageKey).put(ev);
    this.rulesOf(t).afterWrite?.(t, ev);
    for (const l of this.listeners) l(t, ev);
    return this.present(t, stored);
  }

  /** PUT (main or status endpoint per `ctx.subresource`). */
  update(
    t: ResourceType,
    ns: string,
    name: string,
    body: KubeObject,
    ctx: WriteContext,
  ): KubeObject {
    const old = this.get(t, ns, name);
    const incoming = this.checkTypeMeta(t, body);
    if (incoming.metadata.name && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(t, name, STALE_OBJECT);
    let obj: KubeObject;
    if (ctx.subresource === 'status') {
      obj = { ...old, status: incoming.status };
      if (incoming.status === undefined) delete obj.status;
    } else {
      obj = { ...incoming, metadata: keepServerMeta(incoming.metadata, old.metadata) };
      if (t.status) {
        obj.status = old.status;
        if (old.status === undefined) delete obj.status;
      }
    }
    if (old.metadata.deletionTimestamp) {
      const before = new Set(old.metadata.finalizers ?? []);
      const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length) {
        throw invalid({
          kind: t.kind,
          group: t.group,
          name,
          errors: [
            {
              type: 'FieldValueForbidden',
              field: 'metadata.finalizers',
              message:
                'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{' +
                added.map((f) => JSON.stringify(f)).join(', ') +
                '}',
            },
          ],
        });
      }
    }
    const rules = this.rulesOf(t);
    if (rules.onUpdate) obj = rules.onUpdate(t, obj, old, ctx);
    obj = this.manage(t, old, obj, ctx);
    if (
      tracksGeneration(t) &&
      ctx.subresource !== 'status' &&
      !deepEqual(specPart(obj), specPart(old))
    ) {
      obj = {
        ...obj,
        metadata: { ...obj.metadata, generation: (old.metadata.generation ?? 0) + 1 },
      };
    }
    checkSize(obj);
    this.admit(t, 'UPDATE', { ns, name, object: obj, oldObject: old }, ctx);
    const same = deepEqual(
      { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } },
      {
        ...old,
        metadata: { ...old.metadata, resourceVersion: '' },
      },
    );
    if (same || ctx.dryRun) return same ? old : obj;
    if (obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) {
      return this.commit(t, 'DELETED', obj, old);
    }
    return this.commit(t, 'MODIFIED', obj, old);
  }

  /** PATCH with one of the supported content types. */
  patch(
    t: ResourceType,
    ns: string,
    name: string,
    contentType: string,
    patch: unknown,
    ctx: WriteContext,
  ): KubeObject {
    const old = this.get(t, ns, name);
    let next: unknown;
    if (contentType === 'application/merge-patch+json') next = mergePatch(old, patch);
    else if (contentType === 'application/json-patch+json') next = jsonPatch(old, patch);
    else if (contentType === 'application/strategic-merge-patch+json' && t.strategic) {
      next = strategicMergePatch(old, patch);
    } else throw unsupportedMediaType(contentType);
    if (!isRecord(next) || !isRecord(next.metadata))
      throw badRequest('the patch removed the object metadata');
    const patched = next as KubeObject;
    if (!patched.metadata.resourceVersion) {
      patched.metadata = { ...patched.metadata, resourceVersion: old.metadata.resourceVersion };
    }
    return this.update(t, ns, name, patched, ctx);
  }

  /**
   * Server-side apply (`application/apply-patch+yaml`): merges `config`
   * into the object, or creates it, through the same create and update as
   * every other write. `created` tells the caller to answer 201.
   */
  apply(
    t: ResourceType,
    target: { ns: string; name: string },
    config: unknown,
    ctx: WriteContext & { force: boolean },
  ): { object: KubeObject; created: boolean } {
    const { ns, name } = target;
    const { force } = ctx;
    const manager = ctx.fieldManager;
    if (!manager) throw badRequest('an apply needs a field manager');
    const applied = checkApplied(t, ns, name, config);
    let live: KubeObject | undefined;
    try {
      live = this.get(t, ns, name);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 404 || ctx.subresource) throw err;
    }
    const writer = writerOf(t, manager, 'Apply', ctx.subresource);
    const result = applyConfig({ type: t, live, config: applied, writer, force, now: ctx.now });
    const next = { ...ctx, appliedFields: result.managedFields };
    if (!live) {
      const body = { ...result.object, metadata: { ...result.object.metadata, name } };
      return { object: this.create(t, ns, body, next), created: true };
    }
    const object = result.object;
    const rv = applied.metadata.resourceVersion ?? live.metadata.resourceVersion;
    object.metadata = { ...object.metadata, ...(rv !== undefined ? { resourceVersion: rv } : {}) };
    return { object: this.update(t, ns, name, object, next), created: false };
  }

  /** Sets managedFields of a write: what an apply computed, or an Update entry of the field manager. */
  private manage(
    t: ResourceType,
    old: KubeObject | undefined,
    obj: KubeObject,
    ctx: WriteContext,
  ): KubeObject {
    let managedFields: unknown;
    if (ctx.appliedFields) managedFields = ctx.appliedFields;
    else if (ctx.fieldManager) {
      const writer = writerOf(t, ctx.fieldManager, 'Update', ctx.subresource);
      managedFields = afterUpdate({ type: t, old, next: obj, writer, now: ctx.now });
    } else if (ctx.subresource === 'status' || obj.metadata.managedFields === undefined) {
      // The server's own writes keep what is recorded.
      managedFields = old?.metadata.managedFields;
    } else return obj;
    const metadata = { ...obj.metadata };
    if (Array.isArray(managedFields) && managedFields.length > 0)
      metadata.managedFields = managedFields;
    else delete metadata.managedFields;
    return { ...obj, metadata };
  }

  /** DELETE: removes the object, or marks it deleted while finalizers remain. */
  delete(
    t: ResourceType,
    ns: string,
    name: string,
    opts: DeleteOptions,
    ctx: WriteContext,
  ): KubeObject {
    const old = this.get(t, ns, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        t,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        t,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    this.admit(t, 'DELETE', { ns, name, object: null, oldObject: old }, ctx);
    const rules = this.rulesOf(t);
    if (rules.onDelete) {
      const handled = rules.onDelete(t, old, ctx);
      if (handled) return handled;
    }
    if ((old.metadata.finalizers ?? []).length > 0) {
      if (old.metadata.deletionTimestamp || ctx.dryRun) return old;
      const marked = {
        ...old,
        metadata: {
          ...old.metadata,
          deletionTimestamp: timestamp(ctx.now),
          deletionGracePeriodSeconds: 0,
          // The deletion is a change of what the object asks for: kube-apiserver's store bumps a
          // generation it tracks when it first marks the object deleted.
          ...(old.metadata.generation ? { generation: old.metadata.generation + 1 } : {}),
        },
      };
      return this.commit(t, 'MODIFIED', marked, old);
    }
    if (ctx.dryRun) return old;
    return this.commit(t, 'DELETED', old, old);
  }
}

/** Metadata the client cannot change through an update. */
function keepServerMeta(next: StoredMeta, old: StoredMeta): StoredMeta {
  const meta = {
    ...next,
    name: old.name,
    uid: old.uid,
    creationTimestamp: old.creationTimestamp,
    generation: old.generation,
  };
  // A kind without generation has none to keep: no key rather than an undefined one.
  if (old.generation === undefined) delete meta.generation;
  if (old.namespace !== undefined) meta.namespace = old.namespace;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (old.deletionTimestamp) {
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds ?? 0;
  }
  if (old.generateName !== undefined && meta.generateName === undefined)
    meta.generateName = old.generateName;
  return meta;
}

function checkSize(obj: KubeObject): void {
  const size = Buffer.byteLength(JSON.stringify(obj));
  if (size > MAX_OBJECT_BYTES) {
    throw new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: limit is ${MAX_OBJECT_BYTES} bytes`,
    );
  }
}
