/**
 * The OpenAPI v3 component schemas of one version of a custom resource, as
 * apiextensions-apiserver's builder makes them from the CRD: the
 * version's `openAPIV3Schema` with `metadata` referring to ObjectMeta and
 * apiVersion/kind described as TypeMeta, marked with
 * `x-kubernetes-group-version-kind` (which is how `kubectl explain` finds a
 * kind's schema), and the list kind beside it. Objects marked
 * `x-kubernetes-embedded-resource` get the same three fields.
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

const EMBEDDED_API_VERSION_DOC =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DOC =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/**
 * `s` with every `x-kubernetes-embedded-resource` object inside given
 * apiVersion, kind and metadata (required apiVersion and kind), as the
 * builder does: an embedded object is a whole Kubernetes object.
 */
function withEmbedded(s: unknown): unknown {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return s;
  const out: Record<string, unknown> = { ...(s as Record<string, unknown>) };
  for (const key of ['items', 'additionalProperties'])
    if (out[key] !== undefined) out[key] = withEmbedded(out[key]);
  if (out.properties !== undefined)
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, unknown>).map(([k, v]) => [
        k,
        withEmbedded(v),
      ]),
    );
  if (out['x-kubernetes-embedded-resource'] === true) {
    out.properties = {
      ...(out.properties as object),
      apiVersion: { ...TYPE_META.apiVersion, description: EMBEDDED_API_VERSION_DOC },
      kind: { ...TYPE_META.kind, description: EMBEDDED_KIND_DOC },
      metadata: ref(metaName('ObjectMeta'), METADATA_DOC),
    };
    const required = Array.isArray(out.required) ? (out.required as string[]) : [];
    out.required = [...required, ...['kind', 'apiVersion'].filter((k) => !required.includes(k))];
  }
  return out;
}

function kindSchema(t: ResourceType): object {
  const schema = t.custom?.schema as Record<string, unknown> | undefined;
  // Without a schema there is nothing to describe, and adding fields would make clients refuse others.
  if (!schema) return { type: 'object', ...gvk(t, t.kind) };
  const embedded = withEmbedded(schema) as Record<string, unknown>;
  const properties = (embedded.properties ?? {}) as Record<string, unknown>;
  return {
    ...embedded,
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
