/**
 * `serviceaccounts/<name>/token` (TokenRequest, `kubectl create token`):
 * issues a bearer token that authenticates as the ServiceAccount
 * (`system:serviceaccount:<ns>:<name>` with its groups), so admission
 * policies see it as they would see a pod using it. The token is opaque, not
 * a signed JWT: only this server reads it. It expires when the request says,
 * by default in an hour, never sooner than in ten minutes (kube-apiserver's
 * bounds).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { invalid, methodNotAllowed } from './errors.js';
import type { HandlerDeps } from './handler.js';
import { mediaType, parseBody, readBody, sendJson } from './http.js';
import { isRecord, timestamp } from './object.js';
import { protobufBody } from './protobuf/body.js';
import { PROTOBUF_MEDIA_TYPE } from './protobuf/envelope.js';
import type { Route } from './routes.js';

const API_VERSION = 'authentication.k8s.io/v1';
/** What the API server defaults `spec.expirationSeconds` to. */
const DEFAULT_SECONDS = 3600;
/** The shortest token validity the API server accepts. */
const MIN_SECONDS = 600;
/** The audience kubeadm's API servers issue for (their service-account issuer). */
const DEFAULT_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** Answers a TokenRequest for the ServiceAccount of `route` (POST only). */
export async function serveTokenRequest(
  deps: HandlerDeps,
  route: Extract<Route, { kind: 'resource' }>,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (method !== 'POST' || route.namespace === undefined || route.name === undefined)
    throw methodNotAllowed();
  const ns = route.namespace;
  const name = route.name;
  const sa = deps.api.get(deps.api.registry.get('', 'v1', 'serviceaccounts')!, ns, name);
  const body = await readBody(req);
  const type = mediaType(req);
  const request =
    type === PROTOBUF_MEDIA_TYPE
      ? protobufBody(body, { apiVersion: API_VERSION, kind: 'TokenRequest' })
      : parseBody(body, type);
  const spec = isRecord(request) && isRecord(request.spec) ? request.spec : {};
  const seconds =
    typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : DEFAULT_SECONDS;
  if (seconds < MIN_SECONDS) {
    throw invalid({
      kind: 'TokenRequest',
      group: 'authentication.k8s.io',
      name,
      errors: [
        {
          type: 'FieldValueInvalid',
          field: 'spec.expirationSeconds',
          message: `Invalid value: ${seconds}: may not specify a duration less than 10 minutes`,
        },
      ],
    });
  }
  const audiences =
    Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences : [DEFAULT_AUDIENCE];
  const now = deps.api.clock();
  const expires = new Date(now.getTime() + seconds * 1000);
  const username = `system:serviceaccount:${ns}:${name}`;
  const token = deps.identities.issue(username, sa.metadata.uid, expires);
  sendJson(res, 201, {
    kind: 'TokenRequest',
    apiVersion: API_VERSION,
    metadata: { name, namespace: ns, creationTimestamp: timestamp(now) },
    spec: { audiences, expirationSeconds: seconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: timestamp(expires) },
  });
}
