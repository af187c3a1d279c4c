/**
 * What server-side apply needs to know of a type: which maps are atomic
 * (owned as a whole), and whether a list is atomic, a set, or a list of
 * objects keyed by fields. Built-in kinds answer from the list and map
 * markers of the Kubernetes types (`+listType`, `+listMapKey`,
 * `+mapType`/`+structType=atomic`), looked up by field name and parent;
 * custom resources from their CRD schema's `x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys` and `x-kubernetes-map-type`. Fields no
 * schema describes are granular maps and atomic lists, as kube-apiserver
 * deduces them.
 */
import { isRecord } from '../object.js';

/** How a list is merged and owned. */
export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

/** A node of a type: answers for the value at one path. */
export interface Shape {
  /** The map is replaced and owned as a whole. */
  readonly atomicMap: boolean;
  /** How a list at this node merges. */
  readonly list: ListType;
  /** The shape of field `name` of the map at this node. */
  field(name: string): Shape;
  /**
   * Whether `name` is a declared field of a structure rather than an entry of
   * a map: an entry is owned as itself even when it holds a map.
   */
  declares(name: string): boolean;
  /** The shape of the items of the list at this node. */
  item(): Shape;
}

const ATOMIC: ListType = { type: 'atomic' };

/** A node nothing describes. */
export const UNTYPED: Shape = {
  atomicMap: false,
  list: ATOMIC,
  field: () => UNTYPED,
  declares: () => false,
  item: () => UNTYPED,
};

/** Keyed lists of the built-in kinds, by field name (the parent decides `ports`). */
const BUILTIN_LIST_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  schedulingGates: ['name'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  hostAliases: ['ip'],
  resourceClaims: ['name'],
  secrets: ['name'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
};

/** Lists of scalars that are sets in the built-in kinds. */
const BUILTIN_SETS = new Set(['finalizers']);

/** Maps and structs the built-in kinds mark atomic (label selectors, key references). */
const BUILTIN_ATOMIC_MAPS = new Set([
  'selector',
  'podSelector',
  'namespaceSelector',
  'labelSelector',
  'nodeSelector',
  'configMapKeyRef',
  'secretKeyRef',
  'fieldRef',
  'resourceFieldRef',
  'roleRef',
]);

/** The shape of a built-in kind's field `name` under `parent` (the enclosing field name). */
function builtinShape(name: string, parent: string): Shape {
  let list: ListType = ATOMIC;
  if (name === 'ports') {
    list = {
      type: 'map',
      keys:
        parent === 'containers' || parent === 'initContainers' || parent === 'ephemeralContainers'
          ? ['containerPort', 'protocol']
          : ['port', 'protocol'],
    };
  } else if (BUILTIN_LIST_KEYS[name]) list = { type: 'map', keys: BUILTIN_LIST_KEYS[name] };
  else if (BUILTIN_SETS.has(name)) list = { type: 'set' };
  const itemShape: Shape = {
    atomicMap: false,
    list: ATOMIC,
    field: (f) => builtinShape(f, name),
    declares: () => true,
    item: () => UNTYPED,
  };
  return {
    atomicMap: BUILTIN_ATOMIC_MAPS.has(name),
    list,
    field: (f) => builtinShape(f, name),
    declares: () => true,
    item: () => itemShape,
  };
}

/** The shape of a built-in kind. */
export const BUILTIN: Shape = {
  atomicMap: false,
  list: ATOMIC,
  field: (f) => builtinShape(f, ''),
  declares: () => true,
  item: () => UNTYPED,
};

/** The shape an OpenAPI v3 schema of a CRD describes; `metadata` is the built-in one. */
export function crdShape(schema: unknown): Shape {
  const root = schemaShape(schema);
  return {
    ...root,
    field: (f) => (f === 'metadata' ? BUILTIN.field('metadata') : root.field(f)),
    declares: (f) => f === 'metadata' || f === 'apiVersion' || f === 'kind' || root.declares(f),
  };
}

function schemaShape(schema: unknown): Shape {
  if (!isRecord(schema)) return UNTYPED;
  const listType = schema['x-kubernetes-list-type'];
  const keys = schema['x-kubernetes-list-map-keys'];
  let list: ListType = ATOMIC;
  if (listType === 'set') list = { type: 'set' };
  else if (listType === 'map' && Array.isArray(keys))
    list = { type: 'map', keys: keys as string[] };
  const props = isRecord(schema.properties) ? schema.properties : {};
  const additional = schema.additionalProperties;
  return {
    atomicMap: schema['x-kubernetes-map-type'] === 'atomic',
    list,
    field: (f) => {
      if (f in props) return schemaShape(props[f]);
      return isRecord(additional) ? schemaShape(additional) : UNTYPED;
    },
    declares: (f) => f in props,
    item: () => schemaShape(schema.items),
  };
}
