/**
 * The OpenAPI v3 component schemas of one version of a custom resource, as
 * apiextensions-apiserver's builder makes them from the CRD: the
 * version's `openAPIV3Schema` with `metadata` referring to ObjectMeta and
 * apiVersion/kind described as TypeMeta, marked with
 * `x-kubernetes-group-version-kind` (which is how `kubectl explain` finds a
 * kind's schema), and the list kind beside it.
 */
import type { ResourceType } from '../resources.js';
import { metaName, METADATA_DOC, TYPE_META } from './meta.js';

const LIST_METADATA_DOC =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/**
 * A component name as kube-apiserver derives it from group/version/kind:
 * the group's labels reversed (`schema.streamspace.io` → `io.streamspace.schema`).
 */
export function componentName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

function ref(component: string, description?: string): object {
  return {
    $ref: `#/components/schemas/${component}`,
    ...(description !== undefined ? { description } : {}),
  };
}

function gvk(t: ResourceType, kind: string): object {
  return { 'x-kubernetes-group-version-kind': [{ group: t.group, kind, version: t.version }] };
}

function kindSchema(t: ResourceType): object {
  const schema = t.custom?.schema as Record<string, unknown> | undefined;
  // Without a schema there is nothing to describe, and adding fields would make clients refuse others.
  if (!schema) return { type: 'object', ...gvk(t, t.kind) };
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    properties: {
      ...properties,
      metadata: ref(metaName('ObjectMeta'), METADATA_DOC),
      apiVersion: TYPE_META.apiVersion,
      kind: TYPE_META.kind,
    },
    ...gvk(t, t.kind),
  };
}

function listSchema(t: ResourceType, kindComponent: string): object {
  return {
    description: `${t.listKind} is a list of ${t.kind}`,
    properties: {
      apiVersion: TYPE_META.apiVersion,
      items: {
        description: `List of ${t.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        items: ref(kindComponent),
        type: 'array',
      },
      kind: TYPE_META.kind,
      metadata: ref(metaName('ListMeta'), LIST_METADATA_DOC),
    },
    required: ['items'],
    type: 'object',
    ...gvk(t, t.listKind),
  };
}

/** The kind's and its list's component schemas, by component name. */
export function customSchemas(t: ResourceType): Record<string, object> {
  const kind = componentName(t.group, t.version, t.kind);
  return {
    [kind]: kindSchema(t),
    [componentName(t.group, t.version, t.listKind)]: listSchema(t, kind),
  };
}
