/**
 * URL paths of the Kubernetes REST API, parsed into what they address:
 * discovery documents or a resource (optionally namespaced, named, with a
 * subresource, or under the legacy `/watch/` prefix).
 */

/** What a request path addresses. */
export type Route =
  | { kind: 'version' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | { kind: 'openapi' }
  | { kind: 'health' }
  | {
      kind: 'resource';
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      watch: boolean;
    };

/** Subresources a namespace object has (so `/namespaces/x/status` is not a resource named status). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function resourceRoute(group: string, version: string, rest: string[]): Route | undefined {
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!))
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  return {
    kind: 'resource',
    group,
    version,
    resource,
    watch,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

/** Parses a request path; undefined for paths the API does not have. */
export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p));
  const [first, second, third, ...rest] = parts;
  if (first === 'version' && parts.length === 1) return { kind: 'version' };
  if (first === 'openapi') return { kind: 'openapi' };
  if (first === 'healthz' || first === 'readyz' || first === 'livez') return { kind: 'health' };
  if (first === 'api') {
    if (!second) return { kind: 'api' };
    if (!third) return { kind: 'groupVersion', group: '', version: second };
    return resourceRoute('', second, [third, ...rest]);
  }
  if (first === 'apis') {
    if (!second) return { kind: 'apis' };
    if (!third) return { kind: 'group', group: second };
    if (rest.length === 0) return { kind: 'groupVersion', group: second, version: third };
    return resourceRoute(second, third, rest);
  }
  return undefined;
}
