/**
 * The plugin's connection, chosen as kubectl chooses it: `--kubeconfig`,
 * else `KUBECONFIG`, else `~/.kube/config`; `--context` or the current
 * context; `-n` or the context's namespace, else `default`. Each call says
 * which verb it needs, so a refusal names the verb, the resource and the
 * user the server saw.
 */
import {
  GROUP,
  ORGANIZATION,
  SCHEMA_MIGRATION,
  VERSION,
  type Organization,
  type SchemaMigration,
} from '../../api/index.js';
import { clientFor } from '../../kube/client.js';
import { kubeConfig } from '../../kube/config.js';
import { ForbiddenError } from '../../kube/errors.js';
import type { ResourceClient } from '../../kube/resource-client.js';
import { KubeTransport, type Transport } from '../../kube/transport.js';

/** The flags every plugin command takes. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** The server refused a call: the message names verb, resource and user. */
export class AccessDeniedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AccessDeniedError';
  }
}

/** Reads the kubeconfig as kubectl would (see the file comment); no request yet. */
export function openSession(flags: ClusterFlags): PluginSession {
  const cfg = kubeConfig({ kubeconfigPath: flags.kubeconfig, context: flags.context });
  return new PluginSession({
    transport: new KubeTransport(cfg),
    namespace: flags.namespace ?? cfg.namespace ?? 'default',
  });
}

/** One plugin run's view of the cluster. Constructing it does no I/O. */
export class PluginSession {
  /** The namespace of `-n`, else the context's, else `default`. */
  readonly namespace: string;
  readonly migrations: ResourceClient<SchemaMigration>;
  readonly organizations: ResourceClient<Organization>;
  private readonly transport: Transport;

  constructor(opts: { transport: Transport; namespace: string }) {
    this.transport = opts.transport;
    this.namespace = opts.namespace;
    const client = clientFor(this.transport);
    const ref = { group: GROUP, version: VERSION };
    this.migrations = client.resource<SchemaMigration>({ ...ref, ...SCHEMA_MIGRATION });
    this.organizations = client.resource<Organization>({ ...ref, ...ORGANIZATION });
  }

  /**
   * Runs `call`; a 403 becomes an `AccessDeniedError` saying that `user`
   * may not `verb` the `resource` (in `namespace`), with the server's reason.
   */
  async as<T>(
    need: { verb: string; resource: string; namespace?: string },
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ForbiddenError) || err.status === 401) throw err;
      const user = await this.whoami();
      const where = need.namespace ? ` in namespace ${need.namespace}` : ' cluster-wide';
      throw new AccessDeniedError(
        `forbidden: user ${user} may not ${need.verb} ${need.resource}${where} ` +
          `(ask for a Role granting "${need.verb}" on ${need.resource}.${GROUP}); the server said: ${err.message}`,
        { cause: err },
      );
    }
  }

  /** The user the server sees (a SelfSubjectReview, as `kubectl auth whoami`); `(unknown)` if it cannot say. */
  private async whoami(): Promise<string> {
    try {
      const r = await this.transport.request<{ status?: { userInfo?: { username?: string } } }>({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        what: 'asking who the user is',
      });
      return r.status?.userInfo?.username ?? '(unknown)';
    } catch {
      return '(unknown)';
    }
  }
}
