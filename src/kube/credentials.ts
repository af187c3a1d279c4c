/**
 * The headers that authenticate a request: a bearer token (inline, or from a
 * file re-read once a minute, as client-go does for rotated service account
 * tokens), basic auth, impersonation. Credential plugins (`exec`,
 * `auth-provider`) run through client-node's `KubeConfig`, imported only
 * when a configuration uses one.
 */
import { readFile } from 'node:fs/promises';

/** What a kubeconfig user (or a pod's service account) authenticates with. */
export interface Credentials {
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  /** `as`: the user to impersonate. */
  impersonate?: string;
  /** The user runs an `exec` plugin or an `auth-provider`. */
  plugin?: boolean;
}

/** Where the credentials came from, for messages and for the plugin path. */
export interface CredentialOrigin {
  /** "user alice", "the service account". */
  where: string;
  /** The kubeconfig files, for the plugin path. */
  files?: string[];
  context?: string;
}

/** Produces the authentication headers of one request. */
export interface CredentialSource {
  headers(): Promise<Record<string, string>>;
}

/** How long a token read from a file is used before the file is read again. */
const TOKEN_FILE_TTL_MS = 60_000;

/** A `CredentialSource` for `creds`. Reads no file until the first request. */
export function credentialSource(
  creds: Credentials,
  origin: CredentialOrigin,
  now: () => number = Date.now,
): CredentialSource {
  if (creds.plugin) return pluginSource(origin);
  let cached: { token: string; until: number } | undefined;
  const basic =
    creds.username !== undefined
      ? `Basic ${Buffer.from(`${creds.username}:${creds.password ?? ''}`).toString('base64')}`
      : undefined;
  return {
    async headers() {
      const h: Record<string, string> = {};
      if (creds.impersonate) h['Impersonate-User'] = creds.impersonate;
      let token = creds.token;
      if (creds.tokenFile) {
        if (!cached || now() >= cached.until) {
          const text = await readFile(creds.tokenFile, 'utf8').catch((err: Error) => {
            throw new Error(`${origin.where}: cannot read token file: ${err.message}`);
          });
          cached = { token: text.trim(), until: now() + TOKEN_FILE_TTL_MS };
        }
        token = cached.token;
      }
      if (token) h.Authorization = `Bearer ${token}`;
      else if (basic) h.Authorization = basic;
      return h;
    },
  };
}

/** Credential plugins through client-node, loaded at the first request that needs them. */
function pluginSource(origin: CredentialOrigin): CredentialSource {
  type Loaded = {
    kc: InstanceType<(typeof import('@kubernetes/client-node'))['KubeConfig']>;
    RequestContext: (typeof import('@kubernetes/client-node'))['RequestContext'];
  };
  let loaded: Promise<Loaded> | undefined;
  return {
    async headers() {
      loaded ??= (async () => {
        const { KubeConfig, RequestContext } = await import('@kubernetes/client-node');
        const kc = new KubeConfig();
        const [first, ...rest] = origin.files ?? [];
        if (first) kc.loadFromFile(first);
        for (const more of rest) {
          const other = new KubeConfig();
          other.loadFromFile(more);
          kc.mergeConfig(other, true);
        }
        if (origin.context) kc.setCurrentContext(origin.context);
        return { kc, RequestContext };
      })();
      const { kc, RequestContext } = await loaded;
      const ctx = new RequestContext(
        kc.getCurrentCluster()?.server ?? 'https://localhost',
        'GET' as never,
      );
      await kc.applySecurityAuthentication(ctx);
      // Only the headers are used; the connection pool it made for this request is not.
      void ctx
        .getDispatcher()
        ?.close()
        .catch(() => undefined);
      return { ...ctx.getHeaders() };
    },
  };
}
