/**
 * CustomResourceDefinitions: a stored CRD is Established at once and its
 * served versions are added to the registry; deleting it deletes its custom
 * resources (watchers see DELETED) and stops serving them.
 */
import type { ObjectApi } from './api.js';
import { invalid, type InvalidField } from './errors.js';
import { isRecord, timestamp, type KubeObject } from './object.js';
import type { PrinterColumn, ResourceType } from './resources.js';
import type { KindRules } from './rules.js';

interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: object };
  subresources?: { status?: object };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group: string;
  names: CrdNames;
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

function specOf(crd: KubeObject): CrdSpec {
  return (isRecord(crd.spec) ? crd.spec : {}) as unknown as CrdSpec;
}

function validate(t: ResourceType, crd: KubeObject): void {
  const spec = specOf(crd);
  const errors: InvalidField[] = [];
  const required = (field: string, ok: unknown): void => {
    if (!ok) errors.push({ type: 'FieldValueRequired', field, message: 'Required value' });
  };
  required('spec.group', spec.group);
  required('spec.names.plural', spec.names?.plural);
  required('spec.names.kind', spec.names?.kind);
  required('spec.versions', Array.isArray(spec.versions) && spec.versions.length > 0);
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.scope',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
    });
  }
  if (
    spec.group &&
    spec.names?.plural &&
    crd.metadata.name !== `${spec.names.plural}.${spec.group}`
  ) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group`,
    });
  }
  if (Array.isArray(spec.versions) && spec.versions.filter((v) => v.storage).length !== 1) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.versions',
      message:
        'Invalid value: ' +
        JSON.stringify(spec.versions.map((v) => v.name)) +
        ': must have exactly one version marked as storage version',
    });
  }
  if (errors.length)
    throw invalid({ kind: t.kind, group: t.group, name: crd.metadata.name, errors });
}

/** The status a real server reaches within milliseconds: names accepted, Established. */
function establishedStatus(crd: KubeObject, now: string): object {
  const spec = specOf(crd);
  const old = isRecord(crd.status) ? crd.status : {};
  const stored = new Set<string>(
    Array.isArray(old.storedVersions) ? (old.storedVersions as string[]) : [],
  );
  for (const v of spec.versions) if (v.storage) stored.add(v.name);
  const names = spec.names;
  return {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: now,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: now,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
    },
    storedVersions: [...stored],
  };
}

/** The resource types a CRD serves. */
export function typesOf(crd: KubeObject): ResourceType[] {
  const spec = specOf(crd);
  const storageKey = `${spec.group}/${spec.names.plural}`;
  return spec.versions
    .filter((v) => v.served !== false)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      resource: spec.names.plural,
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope === 'Namespaced',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      status: v.subresources?.status !== undefined,
      strategic: false,
      storageKey,
      custom: {
        schema: v.schema?.openAPIV3Schema,
        printerColumns: v.additionalPrinterColumns ?? [],
      },
    }));
}

/** CRD rules: validation, Established status, and serving the defined resources. */
export function crdRules(api: ObjectApi): KindRules {
  const serve = (crd: KubeObject): void => {
    const types = typesOf(crd);
    const first = types[0];
    if (first) api.registry.removeResource(first.group, first.resource);
    for (const t of types) api.registry.add(t);
  };
  const unserve = (crd: KubeObject): void => {
    const spec = specOf(crd);
    const t = typesOf(crd)[0];
    if (t) {
      const coll = api.store.collection(t.storageKey);
      for (const obj of [...coll.list()]) api.commit(t, 'DELETED', obj, obj);
    }
    api.registry.removeResource(spec.group, spec.names.plural);
  };
  return {
    onCreate(t, crd, ctx) {
      validate(t, crd);
      return { ...crd, status: establishedStatus(crd, timestamp(ctx.now)) };
    },
    onUpdate(t, crd, old, ctx) {
      if (ctx.subresource === 'status') return crd;
      validate(t, crd);
      const oldSpec = specOf(old);
      const spec = specOf(crd);
      if (oldSpec.group !== spec.group || oldSpec.names.plural !== spec.names.plural) {
        throw invalid({
          kind: t.kind,
          group: t.group,
          name: crd.metadata.name,
          errors: [
            {
              type: 'FieldValueInvalid',
              field: 'spec.group',
              message: 'Invalid value: field is immutable',
            },
          ],
        });
      }
      return {
        ...crd,
        status: establishedStatus({ ...crd, status: old.status }, timestamp(ctx.now)),
      };
    },
    afterWrite(_t, ev) {
      if (ev.type === 'DELETED') unserve(ev.object);
      else if (!ev.object.metadata.deletionTimestamp) serve(ev.object);
    },
  };
}
