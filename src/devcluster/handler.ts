/**
 * The request handler: routes a request to discovery or to a verb on a
 * resource, applying faults and counters first. Verbs are mapped exactly as
 * kube-apiserver maps them (GET on a collection is list, or watch with
 * `watch=true`; DELETE on a collection is deletecollection).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectApi } from './api.js';
import { openApi } from './openapi.js';
import { writeOptions } from './apply/options.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, VERSION } from './discovery.js';
import { ApiError, methodNotAllowed, unsupportedMediaType } from './errors.js';
import { faultStatus, type Faults } from './faults.js';
import { answerReview, isReview } from './reviews/reviews.js';
import type { Identities, UserInfo } from './identity.js';
import { mediaType, parseBody, readBody, sendError, sendJson, sendStored, sleep } from './http.js';
import { listResponse, matching } from './list.js';
import { isRecord, type KubeObject } from './object.js';
import { apiVersionOf, type ResourceType } from './resources.js';
import { parseRoute, type Route } from './routes.js';
import { ACCEPTED_BODIES, protobufBody, protobufDeleteOptions } from './protobuf/body.js';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/envelope.js';
import { toTable, type IncludeObject } from './table.js';
import { notAcceptable, partialAs, toPartial, toPartialList } from './partial.js';
import { serveWatch, type WatchRegistry } from './watch.js';
import { queryFlag } from './query.js';
import { serveTokenRequest } from './token.js';
import { hasScale, serveScaleRequest } from './scale.js';

/** What the handler works with. */
export interface HandlerDeps {
  api: ObjectApi;
  faults: Faults;
  watches: WatchRegistry;
  bookmarkIntervalMs: number;
  serverAddress: () => string;
  /** Bearer tokens and their users; a request without one is the admin. */
  identities: Identities;
}

const notFoundPage = (): ApiError =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource');

const PATCH_TYPES = new Set([
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
]);

/** Server-side apply's media type. */
const APPLY_TYPE = 'application/apply-patch+yaml';

/** The media types a PATCH accepts, as kube-apiserver lists them in a 415. */
const ACCEPTED_PATCHES =
  'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';

/** Handles one HTTP request; never throws. */
export async function handle(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://devcluster');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = parseRoute(url.pathname);
    const user = deps.identities.authenticate(req, deps.api.clock());
    deps.faults.record(verbOf(method, route, url), resourceOf(route));
    await sleep(deps.faults.responseDelayMs);
    const injected = deps.faults.failureFor(method, url.pathname);
    if (injected !== undefined) {
      if (injected === 429) res.setHeader('Retry-After', '1');
      return sendJson(res, injected, faultStatus(injected));
    }
    if (!route) throw notFoundPage();
    if (route.kind === 'openapi') {
      const doc = method === 'GET' ? openApi(deps.api.registry, url.pathname) : undefined;
      if (!doc) throw notFoundPage();
      return sendJson(res, 200, doc);
    }
    if (route.kind !== 'resource') return discovery(deps, route, method, res);
    await resourceRequest(deps, route, method, url, req, res, user);
  } catch (err) {
    sendError(res, err);
  }
}

function verbOf(method: string, route: Route | undefined, url: URL): string {
  if (!route || route.kind !== 'resource') return method.toLowerCase();
  const named = route.name !== undefined;
  switch (method) {
    case 'GET':
      if (route.watch || queryFlag(url.searchParams.get('watch'))) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

function resourceOf(route: Route | undefined): string {
  if (!route) return 'unknown';
  if (route.kind !== 'resource') return route.kind;
  return route.subresource ? `${route.resource}/${route.subresource}` : route.resource;
}

function discovery(
  deps: HandlerDeps,
  route: Exclude<Route, { kind: 'resource' | 'openapi' }>,
  method: string,
  res: ServerResponse,
): void {
  if (method !== 'GET') throw methodNotAllowed();
  const registry = deps.api.registry;
  let body: object | undefined;
  switch (route.kind) {
    case 'version':
      body = VERSION;
      break;
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    case 'api':
      body = apiVersions(deps.serverAddress());
      break;
    case 'apis':
      body = apiGroupList(registry);
      break;
    case 'group':
      body = apiGroup(registry, route.group);
      break;
    case 'groupVersion':
      body = apiResourceList(registry, route.group, route.version);
      break;
  }
  if (!body) throw notFoundPage();
  sendJson(res, 200, body);
}

type ResourceRoute = Extract<Route, { kind: 'resource' }>;

async function resourceRequest(
  deps: HandlerDeps,
  route: ResourceRoute,
  method: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  user: UserInfo,
): Promise<void> {
  const { api } = deps;
  const t = api.registry.get(route.group, route.version, route.resource);
  if (!t) throw notFoundPage();
  if (route.subresource === 'token' && t.storageKey === '/serviceaccounts')
    return serveTokenRequest(deps, route, method, req, res);
  if (route.subresource === 'scale' && hasScale(t))
    return serveScaleRequest({ api: deps.api, type: t, route, method, req, res, user });
  if (route.subresource !== undefined && (route.subresource !== 'status' || !t.status))
    throw notFoundPage();
  if (route.namespace !== undefined && !t.namespaced) throw notFoundPage();
  if (isReview(t))
    return review(deps, { type: t, route, verb: verbOf(method, route, url), req, res, user });
  const q = url.searchParams;
  const ns = route.namespace ?? '';
  const ctx = api.context({
    strict: q.get('fieldValidation') === 'Strict',
    dryRun: q.getAll('dryRun').includes('All'),
    ...(route.subresource ? { subresource: route.subresource } : {}),
    user,
  });
  const verb = verbOf(method, route, url);
  const type = mediaType(req);
  let force = false;
  if (verb === 'create' || verb === 'update' || verb === 'patch') {
    const opts = writeOptions(verb, type === APPLY_TYPE, q, req);
    if (opts.fieldManager) ctx.fieldManager = opts.fieldManager;
    force = opts.force;
  }
  if (t.namespaced && route.namespace === undefined && !['list', 'watch'].includes(verb))
    throw notFoundPage();
  const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)
    ? await readBody(req)
    : Buffer.alloc(0);
  const partial = partialAs(req);
  if (partial && (verb === 'list') !== (partial === 'PartialObjectMetadataList'))
    throw notAcceptable(partial, verb);
  switch (verb) {
    case 'get':
      if (partial) return sendJson(res, 200, toPartial(api.get(t, ns, route.name!)));
      return respond(res, 200, api.get(t, ns, route.name!), req, t, q);
    case 'list':
      return list(deps, t, route.namespace, q, req, res);
    case 'watch':
      return serveWatch({
        api,
        type: t,
        namespace: route.namespace,
        query: Object.fromEntries(q),
        res,
        registry: deps.watches,
        bookmarkIntervalMs: deps.bookmarkIntervalMs,
        ...(partial ? { partial: true } : {}),
        ...(wantsTable(req) ? { table: { include: include(q), now: () => api.clock() } } : {}),
      });
    case 'create':
      if (route.subresource || route.name !== undefined) throw methodNotAllowed();
      return sendStored(res, 201, api.create(t, ns, objectBody(body, type, t), ctx), ctx.warnings);
    case 'update':
      return sendStored(
        res,
        200,
        api.update(t, ns, route.name!, objectBody(body, type, t), ctx),
        ctx.warnings,
      );
    case 'patch':
      if (type === APPLY_TYPE) {
        const applied = api.apply(t, { ns, name: route.name! }, parseBody(body, type), {
          ...ctx,
          force,
        });
        return sendStored(res, applied.created ? 201 : 200, applied.object, ctx.warnings);
      }
      if (!PATCH_TYPES.has(type)) throw unsupportedMediaType(type, ACCEPTED_PATCHES);
      return sendStored(
        res,
        200,
        api.patch(t, ns, route.name!, type, parseBody(body, type), ctx),
        ctx.warnings,
      );
    case 'delete': {
      const sent =
        type === PROTOBUF_MEDIA_TYPE ? protobufDeleteOptions(body) : parseBody(body, type);
      const opts = deleteOptions(sent);
      return sendJson(res, 200, api.delete(t, ns, route.name!, opts, ctx));
    }
    case 'deletecollection': {
      const items = matching(api, t, route.namespace, Object.fromEntries(q));
      for (const o of items) api.delete(t, o.metadata.namespace ?? '', o.metadata.name, {}, ctx);
      return sendJson(res, 200, { kind: t.listKind, apiVersion: 'v1', metadata: {}, items });
    }
    default:
      throw methodNotAllowed();
  }
}

function objectBody(body: Buffer, type: string, t: ResourceType): KubeObject {
  // kubectl's typed clients (`create configmap`, `create secret tls`) send built-in kinds as protobuf.
  if (type === PROTOBUF_MEDIA_TYPE) {
    // Custom resources have no protobuf form, whatever type the envelope names.
    if (t.custom) throw unsupportedMediaType(type, 'application/json, application/yaml');
    return protobufBody(body, { apiVersion: apiVersionOf(t), kind: t.kind });
  }
  if (type !== 'application/json' && type !== 'application/yaml')
    throw unsupportedMediaType(type, ACCEPTED_BODIES);
  const parsed = parseBody(body, type);
  if (!isRecord(parsed))
    throw new ApiError(400, 'BadRequest', 'the body of the request was not an object');
  return parsed as KubeObject;
}

function deleteOptions(body: unknown): {
  preconditions?: { uid?: string; resourceVersion?: string };
} {
  if (!isRecord(body) || !isRecord(body.preconditions)) return {};
  const p = body.preconditions;
  return {
    preconditions: {
      ...(typeof p.uid === 'string' ? { uid: p.uid } : {}),
      ...(typeof p.resourceVersion === 'string' ? { resourceVersion: p.resourceVersion } : {}),
    },
  };
}

function wantsTable(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('as=Table');
}

function include(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'Object' || v === 'None' ? v : 'Metadata';
}

function respond(
  res: ServerResponse,
  code: number,
  obj: KubeObject,
  req: IncomingMessage,
  t: ResourceType,
  q: URLSearchParams,
): void {
  if (!wantsTable(req)) return sendJson(res, code, obj);
  const resourceVersion = obj.metadata.resourceVersion ?? '';
  sendJson(
    res,
    code,
    toTable({ type: t, objects: [obj], resourceVersion, include: include(q), now: new Date() }),
  );
}

function list(
  deps: HandlerDeps,
  t: ResourceType,
  ns: string | undefined,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const result = listResponse(deps.api, t, ns, Object.fromEntries(q)) as {
    metadata: { resourceVersion: string; continue?: string };
    items: KubeObject[];
  };
  if (partialAs(req)) return sendJson(res, 200, toPartialList(result));
  if (!wantsTable(req)) return sendJson(res, 200, result);
  sendJson(
    res,
    200,
    toTable({
      type: t,
      objects: result.items,
      resourceVersion: result.metadata.resourceVersion,
      include: include(q),
      now: deps.api.clock(),
      ...(result.metadata.continue ? { continueToken: result.metadata.continue } : {}),
    }),
  );
}

/** A review is created and answered (201), never stored; only create is served. */
async function review(
  deps: HandlerDeps,
  r: {
    type: ResourceType;
    route: ResourceRoute;
    verb: string;
    req: IncomingMessage;
    res: ServerResponse;
    user: UserInfo;
  },
): Promise<void> {
  if (r.verb !== 'create' || r.route.name !== undefined) throw methodNotAllowed();
  const body = await readBody(r.req);
  const answer = answerReview({
    type: r.type,
    body,
    mediaType: mediaType(r.req),
    user: r.user,
    now: deps.api.clock(),
  });
  sendJson(r.res, 201, answer);
}
