/**
 * A scripted HTTP server on loopback standing in for the API server.
 * (nock cannot intercept client-node 2.x: it sends through undici's own
 * fetch and dispatcher, below the http module nock patches.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeError } from '../../../../src/kube/errors.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: Seen, res: ServerResponse) => void;

export class FakeApiServer {
  readonly seen: Seen[] = [];
  handler: Handler = (_req, res) => json(res, 404, status(404, 'NotFound', 'no handler'));
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        this.seen.push(seen);
        this.handler(seen, res);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  /** A kubeconfig file pointing at `server` (default this one). */
  kubeconfig(server = this.url): string {
    const dir = mkdtempSync(join(tmpdir(), 'kubecfg-'));
    const path = join(dir, 'config');
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 't0ken' } }],
        contexts: [{ name: 'fake', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'fake',
      }),
    );
    return path;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export function status(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details };
}

export function json(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
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
