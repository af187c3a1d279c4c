/**
 * The probe and metrics endpoint: `/healthz` (the process answers),
 * `/readyz` (every readiness check passes) and `/metrics`. Readiness, as in
 * controller-runtime, does not depend on holding the lease: a standby
 * replica whose informers are synced is ready, so a rollout never waits for
 * leadership and the Service keeps both pods; the manager's checks are
 * "informers synced" and "leader election healthy" (leading, or campaigning).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OperatorMetrics } from './metrics.js';

/** A named readiness check: true (or a resolved true) when ready. */
export interface ReadinessCheck {
  name: string;
  check(): boolean | Promise<boolean>;
}

/** Options for `startHealthServer`. */
export interface HealthServerOptions {
  /** `:8080`, `127.0.0.1:8080`, `[::1]:8080` or `0` for any free port on loopback. */
  bindAddress: string;
  metrics?: Pick<OperatorMetrics, 'exposition'>;
  readiness?: ReadinessCheck[];
}

/** A running health server. */
export interface HealthServer {
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Splits a bind address: `:8080` means every interface. */
export function parseBindAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(addr.trim());
  if (!m) throw new RangeError(`bad bind address ${addr}: expected host:port or :port`);
  const host = m[1] ?? (m[2] || undefined);
  const port = Number(m[3]);
  if (port > 65535) throw new RangeError(`bad port in bind address ${addr}`);
  return { host: addr.trim() === String(port) ? '127.0.0.1' : host, port };
}

/** Starts the server; resolves once it listens. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseBindAddress(opts.bindAddress);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type });
      res.end(body);
    };
    void (async () => {
      if (path === '/healthz') return send(200, 'ok\n');
      if (path === '/readyz') {
        const results = await Promise.all(
          (opts.readiness ?? []).map(async (c) => {
            try {
              return { name: c.name, ok: await c.check() };
            } catch {
              return { name: c.name, ok: false };
            }
          }),
        );
        const lines = results.map(
          (r) => `[${r.ok ? '+' : '-'}]${r.name} ${r.ok ? 'ok' : 'failed'}`,
        );
        const ok = results.every((r) => r.ok);
        return send(ok ? 200 : 503, `${lines.join('\n')}\n${ok ? 'ok' : 'not ready'}\n`);
      }
      if (path === '/metrics' && opts.metrics) {
        const { contentType, body } = await opts.metrics.exposition();
        return send(200, body, contentType);
      }
      send(404, 'not found\n');
    })().catch((err: unknown) => send(500, `${(err as Error).message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  return {
    url: `http://${shown === '::' || shown === '[::]' ? '127.0.0.1' : shown === '0.0.0.0' ? '127.0.0.1' : shown}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
