/**
 * HTTP to the API server over node:http(s) with one keep-alive connection
 * pool, for any path: core and group resources, subresources, patch content
 * types and streaming watches. Every failure leaves here typed.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { ClusterConfig } from './config.js';
import { errorFromStatus, translateError } from './translate.js';

/** One API call. `what` names it for error messages ("getting leases kube-system/x"). */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Content-Type of the body (default `application/json`; patches pass theirs). */
  contentType?: string;
  /** The Accept header (default `application/json`; metadata-only reads pass theirs). */
  accept?: string;
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

/** How long one connection pool serves before a fresh one picks up rotated certificates. */
const AGENT_TTL_MS = 10 * 60_000;

/** Options of a `KubeTransport`. */
export interface KubeTransportOptions {
  /**
   * A non-streaming request fails as unavailable when its connection stays
   * silent this long, in milliseconds (default 60 s). Watches are bounded by
   * their server-side timeout and the informer's watchdog instead.
   */
  requestTimeoutMs?: number;
}

/**
 * A `Transport` over a resolved cluster configuration. Does no I/O until
 * called. One keep-alive agent serves every request and is replaced every
 * ten minutes, so certificates re-read from their files take effect; the
 * authentication headers are computed per request, so rotated tokens are
 * picked up at once.
 */
export class KubeTransport implements Transport {
  readonly server: string;
  private shared: { agent: http.Agent; until: number } | undefined;
  private readonly secure: boolean;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: ClusterConfig,
    opts: KubeTransportOptions = {},
  ) {
    this.server = config.server;
    this.secure = config.server.startsWith('https:');
    this.timeoutMs = opts.requestTimeoutMs ?? 60_000;
  }

  private agent(): http.Agent {
    const now = Date.now();
    if (!this.shared || now >= this.shared.until) {
      const old = this.shared?.agent;
      const agent = this.secure
        ? new https.Agent({ keepAlive: true, scheduling: 'lifo', ...this.config.tls() })
        : new http.Agent({ keepAlive: true, scheduling: 'lifo' });
      this.shared = { agent, until: now + AGENT_TTL_MS };
      // Sockets in use (watches included) stay open until their requests end.
      setTimeout(() => old?.destroy(), AGENT_TTL_MS).unref();
    }
    return this.shared.agent;
  }

  /** The response of a successful (< 400) request; an error response is thrown typed. */
  private async send(req: KubeRequest, timeout: boolean): Promise<IncomingMessage> {
    try {
      const headers: Record<string, string> = {
        Accept: req.accept ?? 'application/json',
        'User-Agent': 'schema-operator',
        ...(await this.config.credentials.headers()),
      };
      const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
      if (payload) {
        headers['Content-Type'] = req.contentType ?? 'application/json';
        headers['Content-Length'] = String(payload.length);
      }
      const resp = await new Promise<IncomingMessage>((resolve, reject) => {
        const r = (this.secure ? https : http).request(
          buildUrl(this.server, req),
          { method: req.method, headers, agent: this.agent(), signal: req.signal },
          resolve,
        );
        r.on('error', reject);
        if (timeout)
          r.setTimeout(this.timeoutMs, () =>
            r.destroy(
              Object.assign(new Error(`no answer in ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
            ),
          );
        r.end(payload);
      });
      if ((resp.statusCode ?? 0) >= 400) {
        const text = await readBody(resp).catch(() => '');
        throw errorFromStatus(resp.statusCode!, text, flatHeaders(resp), req.what);
      }
      return resp;
    } catch (err) {
      throw translateError(err, req.what, this.server);
    }
  }

  async request<T>(req: KubeRequest): Promise<T> {
    const resp = await this.send(req, true);
    try {
      const text = await readBody(resp);
      return (text ? JSON.parse(text) : {}) as T;
    } catch (err) {
      throw translateError(err, req.what, this.server);
    }
  }

  async stream(req: KubeRequest, onLine: (line: string) => void): Promise<void> {
    const resp = await this.send(req, false);
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of resp as AsyncIterable<Buffer>) {
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

async function readBody(resp: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of resp as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function flatHeaders(resp: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(resp.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
