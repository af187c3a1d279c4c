/**
 * The `scale` subresource of Deployments and ReplicaSets (autoscaling/v1
 * Scale), which `kubectl scale` reads and patches: GET answers the Scale
 * view of the object, PUT and PATCH change `spec.replicas` through the
 * object's own update (so generation, admission and watches behave as for
 * any spec change).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectApi } from './api.js';
import { ApiError, badRequest, methodNotAllowed, unsupportedMediaType } from './errors.js';
import { mediaType, parseBody, readBody, sendJson } from './http.js';
import type { UserInfo } from './identity.js';
import { isRecord, type KubeObject } from './object.js';
import { jsonPatch, mergePatch } from './patch.js';
import type { ResourceType } from './resources.js';
import type { Route } from './routes.js';
import type { WriteContext } from './rules.js';
import { strategicMergePatch } from './strategic.js';

/** Store keys of the kinds with a scale subresource. */
const SCALABLE = new Set(['apps/deployments', 'apps/replicasets']);

/** Whether `t` serves `/scale`. */
export function hasScale(t: ResourceType): boolean {
  return SCALABLE.has(t.storageKey);
}

/** The label selector of `obj` as the string Scale's status carries. */
function selectorString(obj: KubeObject): string {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const sel = isRecord(spec.selector) ? spec.selector : {};
  const labels = isRecord(sel.matchLabels) ? sel.matchLabels : {};
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

/** The autoscaling/v1 Scale view of a Deployment or ReplicaSet. */
export function toScale(obj: KubeObject): KubeObject {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      ...(m.creationTimestamp ? { creationTimestamp: m.creationTimestamp } : {}),
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(obj),
    },
  };
}

/** What a scale request carries. */
export interface ScaleRequest {
  api: ObjectApi;
  type: ResourceType;
  ns: string;
  name: string;
  method: string;
  /** The media type of a PUT or PATCH body. */
  contentType: string;
  body: unknown;
  ctx: WriteContext;
}

/** Answers GET, PUT or PATCH on `/scale` with the Scale after the change. */
export function serveScale(r: ScaleRequest): KubeObject {
  const obj = r.api.get(r.type, r.ns, r.name);
  const scale = toScale(obj);
  if (r.method === 'GET') return scale;
  let next: unknown;
  if (r.method === 'PUT') next = r.body;
  else if (r.contentType === 'application/merge-patch+json') next = mergePatch(scale, r.body);
  else if (r.contentType === 'application/json-patch+json') next = jsonPatch(scale, r.body);
  else if (r.contentType === 'application/strategic-merge-patch+json')
    next = strategicMergePatch(scale, r.body);
  else throw unsupportedMediaType(r.contentType);
  const spec = isRecord(next) && isRecord(next.spec) ? next.spec : {};
  const replicas = spec.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
    throw badRequest('spec.replicas of a Scale must be a non-negative integer');
  const meta = isRecord(next) && isRecord(next.metadata) ? next.metadata : {};
  const rv = typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
  const objSpec = isRecord(obj.spec) ? obj.spec : {};
  const updated = r.api.update(
    r.type,
    r.ns,
    r.name,
    {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: rv || obj.metadata.resourceVersion },
      spec: { ...objSpec, replicas },
    },
    r.ctx,
  );
  return toScale(updated);
}

/** What the handler passes for a request on `/scale`. */
export interface ScaleHttpRequest {
  api: ObjectApi;
  type: ResourceType;
  route: Extract<Route, { kind: 'resource' }>;
  method: string;
  req: IncomingMessage;
  res: ServerResponse;
  user: UserInfo;
}

/** Serves GET, PUT or PATCH on a named object's `/scale` (404 on a collection, 405 for other verbs). */
export async function serveScaleRequest(r: ScaleHttpRequest): Promise<void> {
  const { route } = r;
  if (route.name === undefined || route.namespace === undefined)
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  if (!['GET', 'PUT', 'PATCH'].includes(r.method)) throw methodNotAllowed();
  const contentType = mediaType(r.req);
  const body = r.method === 'GET' ? undefined : parseBody(await readBody(r.req), contentType);
  const ctx = r.api.context({ subresource: 'scale', user: r.user });
  const answer = serveScale({
    api: r.api,
    type: r.type,
    ns: route.namespace,
    name: route.name,
    method: r.method,
    contentType,
    body,
    ctx,
  });
  sendJson(r.res, 200, answer, ctx.warnings);
}
