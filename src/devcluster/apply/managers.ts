/**
 * `metadata.managedFields`: which manager owns which fields, as
 * kube-apiserver records them. An entry is one manager identity (its name,
 * operation, subresource and, for updates, API version) with its field set
 * in `fieldsV1` form. Updates take the fields they change from everyone
 * else; applies own exactly what they sent and are refused when they would
 * change a field another manager owns (see `apply.ts`).
 */
import type { ManagedFieldsEntry } from '../../api/meta.js';
import { apiVersionOf, type ResourceType } from '../resources.js';
import { isRecord, timestamp, type KubeObject } from '../object.js';
import {
  difference,
  openPrefix,
  fromFieldsV1,
  recursiveDifference,
  toFieldsV1,
  encode,
  type FieldSet,
} from './fieldpath.js';
import { capUpdateManagers } from './cap.js';
import { compare } from './fieldset.js';
import { BUILTIN, crdShape, type Shape } from './schema.js';

/** A manager identity and the fields it owns. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string;
  time: string | undefined;
  set: FieldSet;
}

/** Who writes: the manager name, the operation and the endpoint. */
export interface Writer {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource: string;
  apiVersion: string;
}

/** The identity two entries share when they are the same manager (appliers ignore the version). */
export function identity(m: Writer): string {
  return JSON.stringify([
    m.manager,
    m.operation,
    m.subresource,
    m.operation === 'Apply' ? '' : m.apiVersion,
  ]);
}

/** The shape of `t`'s objects. */
export function shapeOf(t: ResourceType): Shape {
  return t.custom ? crdShape(t.custom.schema) : BUILTIN;
}

/** Fields the server owns or never tracks (kube-apiserver strips these from every set). */
const STRIPPED = new Set(
  [
    ['f:apiVersion'],
    ['f:kind'],
    ['f:metadata'],
    ['f:metadata', 'f:name'],
    ['f:metadata', 'f:namespace'],
    ['f:metadata', 'f:creationTimestamp'],
    ['f:metadata', 'f:selfLink'],
    ['f:metadata', 'f:uid'],
    ['f:metadata', 'f:clusterName'],
    ['f:metadata', 'f:generation'],
    ['f:metadata', 'f:resourceVersion'],
    ['f:metadata', 'f:deletionTimestamp'],
    ['f:metadata', 'f:deletionGracePeriodSeconds'],
  ].map(encode),
);
const MANAGED_FIELDS = new Set([encode(['f:metadata', 'f:managedFields'])]);
const STATUS_MEMBER = encode(['f:status']);
const STATUS = new Set([STATUS_MEMBER]);

/**
 * The part of `set` an endpoint tracks: never the stripped metadata; on a
 * kind with a status subresource the main endpoint leaves out `status` and
 * the status endpoint keeps only `status`.
 */
export function tracked(t: ResourceType, subresource: string, set: FieldSet): FieldSet {
  let out = recursiveDifference(difference(set, STRIPPED), MANAGED_FIELDS);
  if (subresource === 'status') {
    const below = openPrefix(STATUS_MEMBER);
    out = new Set([...out].filter((m) => m === STATUS_MEMBER || m.startsWith(below)));
  } else if (t.status) out = recursiveDifference(out, STATUS);
  return out;
}

/** The managers recorded on `obj`; malformed entries are skipped. */
export function managersOf(obj: KubeObject | undefined): Manager[] {
  const entries = obj?.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  const out: Manager[] = [];
  for (const e of entries) {
    if (!isRecord(e) || typeof e.manager !== 'string') continue;
    if (e.operation !== 'Apply' && e.operation !== 'Update') continue;
    out.push({
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      subresource: typeof e.subresource === 'string' ? e.subresource : '',
      time: typeof e.time === 'string' ? e.time : undefined,
      set: fromFieldsV1(e.fieldsV1),
    });
  }
  return out;
}

/** The entries in kube-apiserver's order: Apply before Update, then by time, name, version, subresource. */
export function encodeManagers(managers: Manager[]): ManagedFieldsEntry[] {
  const sorted = [...managers].sort(
    (a, b) =>
      cmp(a.operation, b.operation) ||
      cmp(seconds(a.time), seconds(b.time)) ||
      cmp(a.manager, b.manager) ||
      cmp(a.apiVersion, b.apiVersion) ||
      cmp(a.subresource, b.subresource),
  );
  return sorted.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

function seconds(time: string | undefined): number {
  return time ? Math.floor(Date.parse(time) / 1000) : 0;
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `entries` is the `[{}]` that clears managedFields, as kube-apiserver allows. */
export function isReset(entries: unknown): boolean {
  return (
    Array.isArray(entries) &&
    entries.length === 1 &&
    isRecord(entries[0]) &&
    Object.keys(entries[0]).length === 0
  );
}

/** What an update does to the managers. */
export interface UpdateArgs {
  type: ResourceType;
  /** The stored object; absent on create. */
  old: KubeObject | undefined;
  /** The object about to be stored. */
  next: KubeObject;
  writer: Writer;
  now: Date;
}

/**
 * The managedFields after an update by `writer`: it owns every field it
 * added or changed (taken from any other manager) and nobody owns a field
 * it removed. Entries the client sent replace the stored ones (main
 * endpoint only), and `[{}]` clears them.
 */
export function afterUpdate(args: UpdateArgs): ManagedFieldsEntry[] {
  const { type, old, next, writer, now } = args;
  const sent = next.metadata.managedFields;
  if (writer.subresource === '' && isReset(sent)) return [];
  const useSent =
    writer.subresource === '' && Array.isArray(sent) && sent.length > 0 && old !== undefined;
  const managers = managersOf(useSent ? next : old);
  // Compare only what `tracked` keeps: the status endpoint only status, another endpoint of a
  // kind with a status subresource anything but status.
  const part = (o: KubeObject | undefined): KubeObject | { status: unknown } | undefined => {
    if (writer.subresource === 'status') return o && { status: o.status };
    const rest = strip(o);
    if (rest && type.status) delete rest.status;
    return rest;
  };
  const change = compare(part(old), part(next), shapeOf(type));
  const taken = tracked(type, writer.subresource, new Set([...change.added, ...change.modified]));
  const removed = tracked(type, writer.subresource, change.removed);
  const id = identity(writer);
  let mine = managers.find((m) => identity(m) === id);
  const others = managers.filter((m) => m !== mine);
  for (const m of others) m.set = difference(difference(m.set, taken), removed);
  const before = mine?.set ?? new Set<string>();
  const grown = difference(new Set([...before, ...taken]), removed);
  const changed = grown.size !== before.size || [...grown].some((p) => !before.has(p));
  // The same fields keep the same set, and with it the encoded tree.
  const set = changed ? grown : before;
  mine = { ...writer, time: changed || !mine ? timestamp(now) : mine.time, set };
  const all = [...others, mine].filter((m) => m.set.size > 0);
  return encodeManagers(capUpdateManagers(all));
}

/** `obj` without its managedFields, as compared. */
export function strip(obj: KubeObject | undefined): KubeObject | undefined {
  if (!obj) return undefined;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/** The writer of a request to `t`. */
export function writerOf(
  t: ResourceType,
  manager: string,
  operation: 'Apply' | 'Update',
  subresource: string | undefined,
): Writer {
  return { manager, operation, subresource: subresource ?? '', apiVersion: apiVersionOf(t) };
}
