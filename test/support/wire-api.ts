/**
 * An API server on the wire, scripted through nock, for what the devcluster
 * cannot show: the exact requests the client sends (paths, headers, bodies)
 * and narrow failures (a 503 without a Status, a Retry-After header, a watch
 * cut by an in-stream error). Ordinary API behaviour is tested against the
 * devcluster (`devcluster.ts`) instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import type { KubeError } from '../../src/kube/errors.js';

/** The address nock answers for; nothing listens there. */
export const WIRE_SERVER = 'http://api.wire.test:6443';

/** One request as the server saw it. */
export interface Seen {
  method: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text ('' when none). */
  body: string;
}

/** An answer: status, body (an object is sent as JSON, a string as is) and headers. */
export type Reply = [status: number, body: unknown, headers?: Record<string, string>];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * Answers every request to {@link WIRE_SERVER} with `answer` until
 * `nock.cleanAll()` (call it in `afterEach`), and records each request in
 * the returned list, in order.
 */
export function wireApi(answer: (req: Seen) => Reply): Seen[] {
  const seen: Seen[] = [];
  const scope = nock(WIRE_SERVER).persist();
  for (const method of METHODS)
    scope.intercept(/.*/, method).reply(function (uri, body) {
      const req: Seen = {
        method,
        url: uri,
        headers: this.req.headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      };
      seen.push(req);
      const [status, replyBody, headers] = answer(req);
      return [
        status,
        typeof replyBody === 'string' ? replyBody : JSON.stringify(replyBody),
        {
          'Content-Type': 'application/json',
          ...headers,
        },
      ];
    });
  return seen;
}

/** A `metav1.Status` failure body. */
export function status(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details };
}

/**
 * A kubeconfig file for `server` with a bearer token (`t0ken`). TLS
 * verification is off, since client-node refuses plain HTTP otherwise.
 */
export function wireKubeconfig(server = WIRE_SERVER, user: object = { token: 't0ken' }): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kubecfg-')), 'config');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'wire', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'wire',
    }),
  );
  return path;
}

/** The error `p` rejects with; fails the test when it resolves. */
export async function failure<E = KubeError>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (err) {
    return err as E;
  }
  throw new Error('expected a failure');
}
