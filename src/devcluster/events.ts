/**
 * Events: one store served through core `v1` (what `kubectl get events` and
 * `kubectl describe` read) and `events.k8s.io/v1` (what recorders write), as
 * the real server does. Objects are stored in the core shape and converted
 * field by field with kube-apiserver's mapping (pkg/apis/events/v1
 * conversion): regarding/involvedObject, related, note/message,
 * deprecatedSource/source, deprecatedFirstTimestamp/firstTimestamp,
 * deprecatedLastTimestamp/lastTimestamp, deprecatedCount/count,
 * reportingController/reportingComponent; eventTime, series, action,
 * reason, type and reportingInstance keep their names. Fields neither shape
 * knows pass through untouched.
 */
import { isRecord, type KubeObject } from './object.js';
import type { KindRules } from './rules.js';
import type { FieldGetter } from './selectors.js';

/** `apiVersion` of the core shape, which is also the stored one. */
export const CORE_EVENT_VERSION = 'v1';
/** `apiVersion` of the newer shape. */
export const EVENTS_V1_VERSION = 'events.k8s.io/v1';

/** core field ↔ events.k8s.io field, for the renamed ones. */
const RENAMED: ReadonlyArray<readonly [core: string, eventsV1: string]> = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

/**
 * Fields the real server always writes in each shape (Go zero values of
 * fields without omitempty, or structs and times, which omitempty keeps).
 */
const ALWAYS: Record<string, Record<string, unknown>> = {
  [CORE_EVENT_VERSION]: {
    involvedObject: {},
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  },
  [EVENTS_V1_VERSION]: {
    eventTime: null,
    regarding: {},
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
  },
};

/** Empty values the other shape omits (`omitempty` strings, zero count). */
function empty(v: unknown): boolean {
  return v === undefined || v === '' || v === 0;
}

/**
 * `obj` (an Event in either shape, told by its `apiVersion`) in the shape of
 * `apiVersion`. Converting there and back returns the same fields, plus the
 * zero values the target shape always carries.
 */
export function convertEvent(obj: KubeObject, apiVersion: string): KubeObject {
  const from = obj.apiVersion ?? CORE_EVENT_VERSION;
  if (from === apiVersion || !(apiVersion in ALWAYS) || !(from in ALWAYS)) return obj;
  const toV1 = apiVersion === EVENTS_V1_VERSION;
  const out: KubeObject = { ...obj, apiVersion };
  for (const [core, v1] of RENAMED) {
    const [src, dst] = toV1 ? [core, v1] : [v1, core];
    const value = out[src];
    delete out[src];
    if (!empty(value)) out[dst] = value;
  }
  // A zero-valued default of the source shape is not data: drop it before adding ours.
  for (const [k, v] of Object.entries(ALWAYS[from]!)) {
    const isZero = isRecord(v) ? isEmptyRecord(out[k]) : out[k] === v;
    if (isZero && !(k in ALWAYS[apiVersion]!)) delete out[k];
  }
  for (const [k, v] of Object.entries(ALWAYS[apiVersion]!)) if (out[k] === undefined) out[k] = v;
  return out;
}

function isEmptyRecord(v: unknown): boolean {
  return isRecord(v) && Object.keys(v).length === 0;
}

function path(...keys: string[]): FieldGetter {
  return (o) => {
    let cur: unknown = o;
    for (const k of keys) cur = isRecord(cur) ? cur[k] : undefined;
    return cur === undefined || cur === null ? '' : String(cur);
  };
}

const REF_FIELDS = [
  'kind',
  'name',
  'namespace',
  'uid',
  'apiVersion',
  'resourceVersion',
  'fieldPath',
] as const;

/**
 * The rules of both Event resources: stored in the core shape; field
 * selectors of both versions (`involvedObject.name` and its events.k8s.io
 * alias `regarding.name`, `source`, `reportingComponent` and
 * `reportingController`, `reason`, `type`), evaluated on the stored object.
 */
export const eventRules: KindRules = {
  conversion: { storageVersion: CORE_EVENT_VERSION, convert: convertEvent },
  fields: Object.fromEntries([
    ...REF_FIELDS.map((k): [string, FieldGetter] => [
      `involvedObject.${k}`,
      path('involvedObject', k),
    ]),
    ...REF_FIELDS.map((k): [string, FieldGetter] => [`regarding.${k}`, path('involvedObject', k)]),
    ['reason', path('reason')],
    ['type', path('type')],
    ['source', path('source', 'component')],
    ['reportingComponent', path('reportingComponent')],
    ['reportingController', path('reportingComponent')],
  ]),
};
