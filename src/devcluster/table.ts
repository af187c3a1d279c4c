/**
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (what kubectl get
 * asks for): objects as a meta.k8s.io/v1 Table. Custom resources get their
 * CRD's additionalPrinterColumns (JSONPath evaluated as the real server
 * does), built-ins the first columns of their real tables.
 */
import { JSONPath } from 'jsonpath-plus';
import { CORE_EVENT_VERSION, convertEvent } from './events.js';
import { isRecord, type KubeObject } from './object.js';
import type { PrinterColumn, ResourceType } from './resources.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A built-in column: its definition and how to compute the cell. */
interface BuiltinColumn extends Column {
  cell(obj: KubeObject, now: Date): unknown;
}

/** How `includeObject` shapes each row's `object`. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Go's `duration.HumanDuration`, which kubectl shows in AGE columns. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${years}y`;
}

function since(value: unknown, now: Date): string {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

const col = (
  name: string,
  type: string,
  cell: BuiltinColumn['cell'],
  format = '',
  description = '',
): BuiltinColumn => ({
  name,
  type,
  format,
  description,
  priority: 0,
  cell,
});

const NAME = col(
  'Name',
  'string',
  (o) => o.metadata.name,
  'name',
  'Name must be unique within a namespace.',
);
const AGE = col(
  'Age',
  'string',
  (o, now) => since(o.metadata.creationTimestamp, now),
  '',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
const field = (o: KubeObject, ...keys: string[]): unknown => {
  let cur: unknown = o;
  for (const k of keys) cur = isRecord(cur) ? cur[k] : undefined;
  return cur;
};
/** A count in status, 0 when absent (as the real tables print it). */
const num = (o: KubeObject, key: string): number => Number(field(o, 'status', key) ?? 0);
const count = (v: unknown): number => (isRecord(v) ? Object.keys(v).length : 0);
const statuses = (o: KubeObject): Record<string, unknown>[] => {
  const s = field(o, 'status', 'containerStatuses');
  return Array.isArray(s) ? s.filter(isRecord) : [];
};

/** An event cell, computed from the core shape whichever API served it. */
const ev =
  (cell: (e: KubeObject, now: Date) => unknown) =>
  (o: KubeObject, now: Date): unknown =>
    cell(convertEvent(o, CORE_EVENT_VERSION), now);

/** kube-apiserver's `printEvent`: series wins over the deprecated count and timestamps. */
function eventTimes(e: KubeObject, now: Date): { first: string; last: string; count: number } {
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let count = Number(e.count ?? 0);
  if (isRecord(e.series)) {
    last = since(e.series.lastObservedTime, now);
    count = Number(e.series.count ?? 0);
  } else if (count === 0) count = 1;
  return { first, last, count };
}

function eventSource(e: KubeObject): string {
  const src = isRecord(e.source) ? e.source : {};
  const component = String(src.component || e.reportingComponent || '');
  const host = String(src.host || e.reportingInstance || '');
  if (!component && !host) return '<unknown>';
  return host ? `${component}, ${host}` : component;
}

const EVENT_COLUMNS: BuiltinColumn[] = [
  col(
    'Last Seen',
    'string',
    ev((e, now) => eventTimes(e, now).last),
  ),
  col(
    'Type',
    'string',
    ev((e) => e.type ?? ''),
  ),
  col(
    'Reason',
    'string',
    ev((e) => e.reason ?? ''),
  ),
  col(
    'Object',
    'string',
    ev((e) => {
      const kind = String(field(e, 'involvedObject', 'kind') ?? '').toLowerCase();
      const name = field(e, 'involvedObject', 'name');
      return name ? `${kind}/${String(name)}` : kind;
    }),
  ),
  {
    ...col(
      'Subobject',
      'string',
      ev((e) => field(e, 'involvedObject', 'fieldPath') ?? ''),
    ),
    priority: 1,
  },
  { ...col('Source', 'string', ev(eventSource)), priority: 1 },
  col(
    'Message',
    'string',
    ev((e) => String(e.message ?? '').trim()),
  ),
  {
    ...col(
      'First Seen',
      'string',
      ev((e, now) => eventTimes(e, now).first),
    ),
    priority: 1,
  },
  {
    ...col(
      'Count',
      'string',
      ev((e, now) => eventTimes(e, now).count),
    ),
    priority: 1,
  },
  { ...col('Name', 'string', (o) => o.metadata.name, 'name'), priority: 1 },
];

const BUILTIN_COLUMNS: Record<string, BuiltinColumn[]> = {
  '/events': EVENT_COLUMNS,
  'events.k8s.io/events': EVENT_COLUMNS,
  '/pods': [
    NAME,
    col('Ready', 'string', (o) => {
      const c = field(o, 'spec', 'containers');
      return `${statuses(o).filter((s) => s.ready === true).length}/${Array.isArray(c) ? c.length : 0}`;
    }),
    col('Status', 'string', (o) => {
      const gated = (field(o, 'spec', 'schedulingGates') as unknown[] | undefined)?.length;
      if (o.metadata.deletionTimestamp) return 'Terminating';
      return gated ? 'SchedulingGated' : String(field(o, 'status', 'phase') ?? 'Pending');
    }),
    col('Restarts', 'string', (o) =>
      String(statuses(o).reduce((n, s) => n + Number(s.restartCount ?? 0), 0)),
    ),
    AGE,
  ],
  'apps/deployments': [
    NAME,
    col(
      'Ready',
      'string',
      (o) => `${num(o, 'readyReplicas')}/${Number(field(o, 'spec', 'replicas') ?? 1)}`,
    ),
    col('Up-to-date', 'integer', (o) => num(o, 'updatedReplicas')),
    col('Available', 'integer', (o) => num(o, 'availableReplicas')),
    AGE,
  ],
  'apps/replicasets': [
    NAME,
    col('Desired', 'integer', (o) => Number(field(o, 'spec', 'replicas') ?? 1)),
    col('Current', 'integer', (o) => num(o, 'replicas')),
    col('Ready', 'integer', (o) => num(o, 'readyReplicas')),
    AGE,
  ],
  '/namespaces': [NAME, col('Status', 'string', (o) => field(o, 'status', 'phase') ?? ''), AGE],
  '/configmaps': [NAME, col('Data', 'integer', (o) => count(o.data) + count(o.binaryData)), AGE],
  '/secrets': [
    NAME,
    col('Type', 'string', (o) => o.type ?? ''),
    col('Data', 'integer', (o) => count(o.data)),
    AGE,
  ],
  'apiextensions.k8s.io/customresourcedefinitions': [
    NAME,
    col('Created At', 'date', (o) => o.metadata.creationTimestamp ?? ''),
  ],
};

function printerColumns(columns: PrinterColumn[]): BuiltinColumn[] {
  const out = columns.map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
    cell: (o: KubeObject, now: Date): unknown => {
      const found = JSONPath({ path: `$${c.jsonPath}`, json: o, wrap: true }) as unknown[];
      const v = found[0];
      if (v === undefined) return null;
      if (c.type === 'date') return since(v, now);
      if (isRecord(v) || Array.isArray(v)) return JSON.stringify(v);
      return v;
    },
  }));
  const hasAge = out.some((c) => c.name.toLowerCase() === 'age');
  return [NAME, ...out, ...(hasAge ? [] : [AGE])];
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** The Table for `objects` of type `t`. */
export function toTable(args: {
  type: ResourceType;
  objects: KubeObject[];
  resourceVersion: string;
  include: IncludeObject;
  now: Date;
  continueToken?: string;
}): object {
  const { type: t, objects, include, now } = args;
  const columns = t.custom
    ? printerColumns(t.custom.printerColumns)
    : (BUILTIN_COLUMNS[`${t.group}/${t.resource}`] ?? [NAME, AGE]);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: args.resourceVersion,
      ...(args.continueToken ? { continue: args.continueToken } : {}),
    },
    columnDefinitions: columns.map(({ name, type, format, description, priority }) => ({
      name,
      type,
      format,
      description,
      priority,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: rowObject(o, include),
    })),
  };
}
