/**
 * HTTP to the API server through client-node's own machinery (its
 * `RequestContext`, authentication and undici dispatcher with the cluster's
 * TLS settings), for any path: core and group resources, subresources, patch
 * content types and streaming watches. Every failure leaves here typed.
 */
import {
  IsomorphicFetchHttpLibrary,
  RequestContext,
  type KubeConfig,
} from '@kubernetes/client-node';
import { errorFromStatus, translateError } from './translate.js';

/** One API call. `what` names it for error messages ("getting leases kube-system/x"). */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Content-Type of the body (default `application/json`; patches pass theirs). */
  contentType?: string;
  what: string;
  signal?: AbortSignal;
}

/** The small interface everything in `src/kube/` talks to; tests may fake it. */
export interface Transport {
  /** The API server URL, for messages. */
  readonly server: string;
  /** Sends the request and returns the parsed JSON body; throws a `KubeError`. */
  request<T>(req: KubeRequest): Promise<T>;
  /**
   * Sends a streaming GET and calls `onLine` for each newline-terminated line
   * of the body. Resolves when the server ends the stream (or `signal`
   * aborts it); throws a `KubeError` for an error response or a broken stream.
   */
  stream(req: KubeRequest, onLine: (line: string) => void): Promise<void>;
}

function buildUrl(server: string, req: KubeRequest): string {
  const url = new URL(server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {}))
    if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

/** How long one connection pool (undici dispatcher) serves before a fresh one picks up rotated certificates. */
const DISPATCHER_TTL_MS = 10 * 60_000;

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * A `Transport` over a loaded `KubeConfig`. Does no I/O until called.
 *
 * client-node builds a new undici dispatcher (a connection pool) for every
 * request it authenticates, so nothing is reused and every pool keeps its
 * idle socket: an operator making thousands of requests grew by about
 * 100 KB per request. Here one dispatcher serves all requests and is
 * replaced every ten minutes; the headers (tokens) are still applied per
 * request, so rotated tokens are picked up at once.
 */
export class KubeTransport implements Transport {
  readonly server: string;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private shared: { dispatcher: Dispatcher; until: number } | undefined;

  constructor(private readonly kc: KubeConfig) {
    this.server = kc.getCurrentCluster()?.server ?? '';
  }

  private async send(req: KubeRequest, accept: string) {
    const ctx = new RequestContext(buildUrl(this.server, req), req.method);
    ctx.setHeaderParam('Accept', accept);
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    if (req.signal) ctx.setSignal(req.signal);
    try {
      await this.kc.applySecurityAuthentication(ctx);
      this.shareDispatcher(ctx);
      const resp = await this.http.send(ctx).toPromise();
      if (resp.httpStatusCode >= 400) {
        const text = await resp.body.text().catch(() => '');
        throw errorFromStatus(resp.httpStatusCode, text, resp.headers, req.what);
      }
      return resp;
    } catch (err) {
      throw translateError(err, req.what, this.server);
    }
  }

  /** Swaps the request's fresh dispatcher for the shared one (closing the unused fresh one). */
  private shareDispatcher(ctx: RequestContext): void {
    const fresh = ctx.getDispatcher();
    if (!fresh) return;
    const now = Date.now();
    if (!this.shared || now >= this.shared.until) {
      const old = this.shared?.dispatcher;
      this.shared = { dispatcher: fresh, until: now + DISPATCHER_TTL_MS };
      // In-flight requests (watches included) finish on the old pool; close() waits for them.
      void old?.close().catch(() => undefined);
      return;
    }
    ctx.setDispatcher(this.shared.dispatcher);
    void fresh.close().catch(() => undefined);
  }

  async request<T>(req: KubeRequest): Promise<T> {
    const resp = await this.send(req, 'application/json');
    try {
      const text = await resp.body.text();
      return (text ? JSON.parse(text) : {}) as T;
    } catch (err) {
      throw translateError(err, req.what, this.server);
    }
  }

  async stream(req: KubeRequest, onLine: (line: string) => void): Promise<void> {
    const resp = await this.send(req, 'application/json');
    const body = resp.body.stream();
    if (!body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) onLine(line);
        }
      }
      if (buffered.trim()) onLine(buffered.trim());
    } catch (err) {
      if (req.signal?.aborted) return;
      throw translateError(err, req.what, this.server);
    }
  }
}
