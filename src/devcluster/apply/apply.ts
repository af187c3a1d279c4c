/**
 * Server-side apply of one configuration by one manager: merge it into the
 * live object, drop the fields this manager applied last time and no
 * longer sends (unless another manager owns them), and refuse with 409 when
 * the result changes a field another manager owns, unless forced, in which
 * case the field changes hands.
 */
import { ApiError } from '../errors.js';
import { timestamp, type KubeObject, type StoredMeta } from '../object.js';
import type { ResourceType } from '../resources.js';
import {
  decode,
  difference,
  intersection,
  pathString,
  startsWith,
  union,
  type FieldSet,
} from './fieldpath.js';
import type { ManagedFieldsEntry } from '../../api/meta.js';
import { compare, fieldSetOf } from './fieldset.js';
import {
  encodeManagers,
  identity,
  managersOf,
  shapeOf,
  strip,
  tracked,
  type Manager,
  type Writer,
} from './managers.js';
import { mergeApplied, removeFields } from './merge.js';

/** What an apply asks. */
export interface ApplyArgs {
  type: ResourceType;
  /** The stored object; absent when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration (parsed, checked to be an object). */
  config: KubeObject;
  writer: Writer;
  force: boolean;
  now: Date;
}

/** The object to store and its managedFields. */
export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

/** The manager kube-apiserver credits with fields set before anyone applied. */
const BEFORE_FIRST_APPLY = 'before-first-apply';

/** Applies `config`; throws the 409 of kube-apiserver on conflicts without `force`. */
export function applyConfig(args: ApplyArgs): ApplyResult {
  const { type, config, writer, force, now } = args;
  const shape = shapeOf(type);
  const live = strip(args.live);
  const managers = managersOf(args.live);
  if (live && managers.length === 0) {
    // An object nobody tracked yet: its fields belong to one manager, so an apply conflicts with them.
    const all = tracked(type, writer.subresource, compare(undefined, live, shape).added);
    if (all.size) {
      managers.push({
        manager: BEFORE_FIRST_APPLY,
        operation: 'Update',
        apiVersion: writer.apiVersion,
        subresource: '',
        time: undefined,
        set: all,
      });
    }
  }
  const id = identity(writer);
  const previous = managers.find((m) => identity(m) === id);
  const others = managers.filter((m) => m !== previous);
  const applied = tracked(type, writer.subresource, fieldSetOf(config, shape));
  let merged = mergeApplied(live ?? {}, config, shape) as KubeObject;
  if (previous) {
    const owned = union(applied, ...others.map((m) => m.set));
    const dropped = [...difference(previous.set, owned)].filter((p) => !ownsBelow(owned, p));
    merged = removeFields(merged, new Set(dropped), shape) as KubeObject;
  }
  const change = compare(live, merged, shape);
  const changed = tracked(type, writer.subresource, union(change.added, change.modified));
  const removed = tracked(type, writer.subresource, change.removed);
  const conflicts = others
    .map((m) => ({ m, paths: intersection(m.set, changed) }))
    .filter((c) => c.paths.size > 0);
  if (conflicts.length && !force) throw conflictError(conflicts);
  for (const { m, paths } of conflicts) m.set = difference(m.set, paths);
  for (const m of others) m.set = difference(m.set, removed);
  const objectChanged = change.added.size + change.modified.size + change.removed.size > 0;
  const sameSet =
    previous !== undefined &&
    previous.set.size === applied.size &&
    [...applied].every((p) => previous.set.has(p));
  const mine: Manager = {
    ...writer,
    time: objectChanged || !sameSet ? timestamp(now) : previous?.time,
    set: applied,
  };
  const kept = others.filter((m) => m.set.size > 0);
  return {
    object: syncLastApplied(merged, config, writer),
    managedFields: encodeManagers([mine, ...kept]),
  };
}

/** kubectl's client-side apply annotation. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * kube-apiserver keeps kubectl's client-side annotation in step when
 * `kubectl apply --server-side` (manager `kubectl`) applies to an object
 * that has one, so a later client-side apply diffs against this config.
 */
function syncLastApplied(obj: KubeObject, config: KubeObject, writer: Writer): KubeObject {
  const current = obj.metadata.annotations?.[LAST_APPLIED];
  if (writer.manager !== 'kubectl' || !current) return obj;
  const annotations = { ...(config.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  const metadata: StoredMeta = { ...config.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  const text = sortedJson({ ...config, metadata });
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...obj.metadata.annotations, [LAST_APPLIED]: text },
    },
  };
}

/** JSON with object keys sorted, as Go encodes a map. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${sortedJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Whether some member of `owned` lies strictly below `member`. */
function ownsBelow(owned: FieldSet, member: string): boolean {
  const p = decode(member);
  for (const o of owned) {
    const q = decode(o);
    if (q.length > p.length && startsWith(q, p)) return true;
  }
  return false;
}

/** How kube-apiserver names a manager in a conflict. */
function describe(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource) s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** The 409 of kube-apiserver: one cause per conflicting field, reason FieldManagerConflict. */
function conflictError(conflicts: Array<{ m: Manager; paths: FieldSet }>): ApiError {
  const rows = conflicts
    .map(({ m, paths }) => ({
      who: describe(m),
      paths: [...paths].map((p) => pathString(decode(p))).sort(),
    }))
    .sort((a, b) => (a.who < b.who ? -1 : a.who > b.who ? 1 : 0));
  const causes = rows.flatMap((r) =>
    r.paths.map((field) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${r.who}`,
      field,
    })),
  );
  const message =
    causes.length === 1
      ? `Apply failed with 1 conflict: conflict with ${rows[0]!.who}: ${causes[0]!.field}`
      : `Apply failed with ${causes.length} conflicts: ` +
        rows
          .map((r) => [`conflicts with ${r.who}:`, ...r.paths.map((p) => `- ${p}`)].join('\n'))
          .join('\n');
  return new ApiError(409, 'Conflict', message, { causes });
}
