/**
 * A recording HTTP proxy in front of a devcluster: one per operator process,
 * so every request is known to come from that process. It forwards bytes
 * unchanged (watches stream through) and remembers, per request, the verb
 * and path. This is how the sharding test and the fleet benchmark tell which
 * shard wrote which object: a shard that reconciles an Organization patches
 * its finalizer and status at `/apis/.../organizations/NAME[/status]`, and
 * nothing else writes there.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One forwarded request. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
}

/** A running proxy. */
export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`: put it in the kubeconfig of the process to observe. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Forgets the requests so far. */
  clear(): void;
  /** Names of the objects of `plural` (cluster-scoped or not) that got a write (not GET). */
  writtenNames(plural: string): Set<string>;
  /** Closes the listener and every connection (watches included). */
  stop(): Promise<void>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The object name in `.../<plural>/<name>[/<subresource>]`, or undefined. */
export function objectNameIn(path: string, plural: string): string | undefined {
  const parts = path.split('/');
  const i = parts.lastIndexOf(plural);
  if (i < 0 || i + 1 >= parts.length) return undefined;
  // `namespaces/<ns>/<plural>` is a collection; a name follows the plural itself.
  return parts[i + 1] || undefined;
}

/** Starts a proxy forwarding to `target` (the devcluster's URL); resolves once it listens. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let requests: RecordedRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ method: req.method ?? 'GET', path });
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    // A client that hangs up (a watch it ends) ends the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get requests() {
      return requests;
    },
    clear() {
      requests = [];
    },
    writtenNames(plural) {
      const out = new Set<string>();
      for (const r of requests) {
        if (!WRITES.has(r.method)) continue;
        const name = objectNameIn(r.path, plural);
        if (name) out.add(name);
      }
      return out;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  };
}

/** The kubeconfig YAML of a devcluster, pointed at `proxyUrl` instead. */
export function kubeconfigVia(kubeconfigYaml: string, devclusterUrl: string, proxyUrl: string) {
  return kubeconfigYaml.split(devclusterUrl).join(proxyUrl);
}
