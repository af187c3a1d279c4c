/**
 * devcluster: an in-memory server speaking the Kubernetes REST API on
 * 127.0.0.1 for `schema-operator dev` and the test suites (DESIGN.md §8).
 * Plain HTTP; a request without credentials is the admin, and bearer tokens
 * it issues, or a port of each user's own (kubectl sends no token over
 * plain http), stand for other users (identity.ts), whom ValidatingAdmissionPolicies
 * (admission.ts) can restrict. kubectl and @kubernetes/client-node work
 * against it unchanged through the kubeconfig it writes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rename, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { AdmissionPolicies } from './admission.js';
import { ObjectApi } from './api.js';
import { crdRules } from './crd.js';
import { customResourceRules } from './custom.js';
import { Faults, type FaultInjector } from './faults.js';
import { handle } from './handler.js';
import { Identities, type DevUser } from './identity.js';
import { eventRules } from './events.js';
import { INITIAL_NAMESPACES, namespaceRules, secretRules } from './kinds.js';
import { podRules } from './pods.js';
import { PodStarter } from './pod-start.js';
import { WorkloadControllers } from './workloads/controller.js';
import { ResourceRegistry } from './resources.js';
import { Store } from './store.js';
import { WatchRegistry } from './watch.js';

export type { FaultInjector, FailNextRule, FailRateRule } from './faults.js';
export type { DevUser } from './identity.js';

/** How to start a devcluster. */
export interface DevClusterOptions {
  /** Default: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Watch events kept per resource for resuming (default 5000); older versions get 410. */
  eventHistory?: number;
  /** How often watches with `allowWatchBookmarks=true` get a BOOKMARK (default 5000 ms). */
  bookmarkIntervalMs?: number;
  /** Users to issue tokens to (`kubeconfig({ user: name })` writes one's); the admin needs none. */
  users?: DevUser[];
  /**
   * How long an ungated pod of a ReplicaSet takes from scheduling to Running
   * and Ready (default 250 ms; 0 starts it within its create). Pods created
   * on their own start at once.
   */
  podStartDelayMs?: number;
}

/** Options of {@link DevCluster.kubeconfig}. */
export interface KubeconfigOptions {
  /** The context's default namespace (default `default`). */
  namespace?: string;
  /** One of {@link DevClusterOptions.users} by name; default: the admin, without credentials. */
  user?: string;
}

/** A running devcluster. */
export interface DevCluster {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Kubeconfig YAML pointing at this server (context `devcluster`). */
  kubeconfig(opts?: KubeconfigOptions): string;
  /** Writes {@link DevCluster.kubeconfig} to `path` (mode 0600). */
  writeKubeconfig(path: string, opts?: KubeconfigOptions): Promise<void>;
  readonly faults: FaultInjector;
  /** Ends open watches and closes the listener. */
  stop(): Promise<void>;
}

function setup(opts: DevClusterOptions): {
  api: ObjectApi;
  faults: Faults;
  watches: WatchRegistry;
  /** Stops the server's own timers and controllers. */
  dispose: () => void;
} {
  const store = new Store(opts.eventHistory ?? 5000);
  const api = new ObjectApi(store, new ResourceRegistry());
  const starter = new PodStarter(opts.podStartDelayMs);
  api.setRules('/namespaces', namespaceRules(api));
  api.setRules('/pods', podRules(api, starter));
  api.setRules('/secrets', secretRules);
  // Both Event APIs share the store '/events' (see events.ts).
  api.setRules('/events', eventRules);
  api.setRules('apiextensions.k8s.io/customresourcedefinitions', crdRules(api));
  api.customRules = customResourceRules;
  api.admission = new AdmissionPolicies(store);
  const nsType = api.registry.get('', 'v1', 'namespaces')!;
  // kube-apiserver creates these itself and is their field manager.
  for (const name of INITIAL_NAMESPACES)
    api.create(nsType, '', { metadata: { name } }, api.context({ fieldManager: 'kube-apiserver' }));
  const type = (group: string, resource: string) => api.registry.get(group, 'v1', resource)!;
  const workloads = new WorkloadControllers(api, {
    pods: type('', 'pods'),
    replicaSets: type('apps', 'replicasets'),
    deployments: type('apps', 'deployments'),
  });
  workloads.start();
  const watches = new WatchRegistry();
  const faults = new Faults({
    closeWatches: () => watches.closeAll(),
    compactHistory: () => store.compactAll(),
  });
  const dispose = (): void => {
    workloads.dispose();
    starter.dispose();
  };
  return { api, faults, watches, dispose };
}

/** Starts a devcluster; resolves once it listens. */
export async function startDevCluster(opts: DevClusterOptions = {}): Promise<DevCluster> {
  const host = opts.host ?? '127.0.0.1';
  const { api, faults, watches, dispose } = setup(opts);
  const identities = new Identities(opts.users);
  let address = '';
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void handle(
      {
        api,
        faults,
        watches,
        bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000,
        serverAddress: () => address,
        identities,
      },
      req,
      res,
    );
  };
  const servers: Server[] = [];
  const listen = async (port: number): Promise<number> => {
    const server = createServer(listener);
    // Watches are long requests; the real server holds them for 30-60 minutes.
    server.requestTimeout = 0;
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    servers.push(server);
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(opts.port ?? 0);
  address = `${host}:${port}`;
  const url = `http://${address}`;
  // kubectl sends no credentials over plain http, so each user also gets a port of its own.
  const userUrls = new Map<string, string>();
  for (const u of opts.users ?? []) {
    const userPort = await listen(0);
    identities.bindPort(u.name, userPort);
    userUrls.set(u.name, `http://${host}:${userPort}`);
  }
  const kubeconfig = (o: KubeconfigOptions = {}): string => {
    const user = o.user ?? 'devcluster';
    const credentials = o.user ? { token: identities.token(o.user) } : {};
    const server = o.user ? userUrls.get(o.user)! : url;
    return stringify({
      apiVersion: 'v1',
      kind: 'Config',
      // client-node refuses plain http unless TLS verification is off; kubectl ignores the flag for http.
      clusters: [{ name: 'devcluster', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: user, user: credentials }],
      contexts: [
        {
          name: 'devcluster',
          context: {
            cluster: 'devcluster',
            user,
            namespace: o.namespace ?? 'default',
          },
        },
      ],
      'current-context': 'devcluster',
      preferences: {},
    });
  };
  return {
    url,
    faults,
    kubeconfig,
    async writeKubeconfig(path, o) {
      // Written aside and renamed: whoever sees the file sees all of it.
      const partial = `${path}.${process.pid}.tmp`;
      await writeFile(partial, kubeconfig(o), { mode: 0o600 });
      await rename(partial, path);
    },
    async stop() {
      faults.dispose();
      dispose();
      watches.closeAll();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
