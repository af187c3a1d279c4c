/**
 * OpenAPI v3 for kubectl: the root index and, per group/version, one PATCH
 * operation per kind carrying `x-kubernetes-group-version-kind` and the
 * `fieldValidation` query parameter (kubectl reads that to learn the server
 * validates fields itself; without it `kubectl apply` refuses to run:
 * "failed to download openapi"), and the schemas of custom resources built
 * from their CRDs (openapi/custom.ts), which `kubectl explain` renders.
 * Built-in kinds get no schemas: kubectl computes their apply patches from
 * its compiled-in types (strategic merge), as it does for a patch operation
 * that does not list the strategic merge content type; `kubectl explain` of
 * a built-in kind is not served.
 */
import { createHash } from 'node:crypto';
import { customSchemas } from './openapi/custom.js';
import { META_SCHEMAS } from './openapi/meta.js';
import type { ResourceRegistry, ResourceType } from './resources.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function operationPath(t: ResourceType): string {
  const ns = t.namespaced ? 'namespaces/{namespace}/' : '';
  return `/${gvPath(t.group, t.version)}/${ns}${t.resource}/{name}`;
}

/** The OpenAPI v3 document of one group/version, or undefined when not served. */
export function openApiGroupVersion(
  registry: ResourceRegistry,
  group: string,
  version: string,
): object | undefined {
  if (!registry.hasVersion(group, version)) return undefined;
  const paths: Record<string, object> = {};
  let schemas: Record<string, object> = {};
  const types = registry.typesOf(group, version);
  for (const t of types) {
    if (t.custom) schemas = { ...schemas, ...customSchemas(t) };
    if (t.verbs && !t.verbs.includes('patch')) continue;
    paths[operationPath(t)] = {
      patch: {
        operationId: `patch${t.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
          name,
          in: 'query',
          schema: { type: 'string', uniqueItems: true },
        })),
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  const custom = types.some((t) => t.custom);
  return {
    openapi: '3.0.0',
    // apiextensions-apiserver titles the documents of CRD groups its own way.
    info: custom
      ? { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' }
      : { title: 'Kubernetes', version: 'v1.33.0' },
    paths,
    components: { schemas: custom ? { ...schemas, ...META_SCHEMAS } : {} },
  };
}

/** `/openapi/v3`: where each group/version's document is, with a content hash. */
export function openApiRoot(registry: ResourceRegistry): object {
  const paths: Record<string, object> = {};
  for (const { group, versions } of registry.groupVersions()) {
    for (const version of versions) {
      const doc = JSON.stringify(openApiGroupVersion(registry, group, version));
      const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
      const path = gvPath(group, version);
      paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
    }
  }
  return { paths };
}

/** Serves `/openapi/v3[/api/v1|/apis/G/V]`; undefined for anything else (404). */
export function openApi(registry: ResourceRegistry, pathname: string): object | undefined {
  const parts = pathname.split('/').filter((p) => p !== '');
  if (parts[0] !== 'openapi' || parts[1] !== 'v3') return undefined;
  const rest = parts.slice(2);
  if (rest.length === 0) return openApiRoot(registry);
  if (rest[0] === 'api' && rest.length === 2) return openApiGroupVersion(registry, '', rest[1]!);
  if (rest[0] === 'apis' && rest.length === 3)
    return openApiGroupVersion(registry, rest[1]!, rest[2]!);
  return undefined;
}
