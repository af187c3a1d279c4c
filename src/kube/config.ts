/**
 * Where the API server is and how to authenticate: in-cluster service
 * account when running in a pod, else an explicit path, `KUBECONFIG`, or
 * `~/.kube/config`. Nothing is contacted here; a server that does not answer
 * shows up as an `UnavailableError` on the first call.
 *
 * The kubeconfig is read here rather than with client-node's `KubeConfig`,
 * whose module loads the whole generated API (about 90 MB of resident memory
 * in an operator that uses none of it). Credential plugins (`exec`,
 * `auth-provider`) are rare where an operator runs and are handed to
 * client-node, loaded only for such a configuration (`credentials.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { credentialSource, type CredentialSource } from './credentials.js';

/** Options for `kubeConfig`. */
export interface KubeConfigOptions {
  /** A kubeconfig file; wins over everything else. */
  kubeconfigPath?: string;
  /** A context name from the kubeconfig (default: its current context). */
  context?: string;
  /** The environment to read (default `process.env`); injectable for tests. */
  env?: NodeJS.ProcessEnv;
  /** The home directory (default `os.homedir()`); injectable for tests. */
  home?: string;
  /** The service account directory of a pod; injectable for tests. */
  serviceAccountDir?: string;
}

/** No usable cluster configuration was found, or it names no server. */
export class KubeConfigError extends Error {
  readonly reason = 'KubeConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}

/** TLS settings of the connection to the API server (node:tls names). */
export interface ClusterTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** False only for `insecure-skip-tls-verify: true`. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** One cluster, resolved: what a transport needs to reach and authenticate to it. */
export interface ClusterConfig {
  /** The API server URL. */
  readonly server: string;
  /** The context's default namespace, when it names one (in a pod: the pod's namespace). */
  readonly namespace?: string;
  /** TLS settings; re-read from their files on every call (certificates rotate). */
  tls(): ClusterTls;
  /** Headers that authenticate one request (`Authorization`, `Impersonate-User`). */
  readonly credentials: CredentialSource;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The parts of a kubeconfig file used here. */
interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Array<{ name: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name: string; user?: Record<string, unknown> }>;
  contexts?: Array<{ name: string; context?: Record<string, unknown> }>;
}

/** Named entries of the merged files, each with the directory its relative paths start from. */
interface Merged {
  current?: string;
  clusters: Map<string, { dir: string; v: Record<string, unknown> }>;
  users: Map<string, { dir: string; v: Record<string, unknown> }>;
  contexts: Map<string, Record<string, unknown>>;
}

/**
 * The cluster to talk to, or a `KubeConfigError` saying what was tried.
 * Order: `kubeconfigPath`; in-cluster when `KUBERNETES_SERVICE_HOST` is set
 * and no path was given; `KUBECONFIG` (path list, merged as kubectl does:
 * the first file to name an entry wins); `~/.kube/config`.
 */
export function kubeConfig(opts: KubeConfigOptions = {}): ClusterConfig {
  const env = opts.env ?? process.env;
  if (opts.kubeconfigPath) {
    if (!existsSync(opts.kubeconfigPath))
      throw new KubeConfigError(`kubeconfig ${opts.kubeconfigPath} does not exist`);
    return fromFiles([opts.kubeconfigPath], opts.context);
  }
  if (env.KUBERNETES_SERVICE_HOST) return inCluster(env, opts.serviceAccountDir);
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p && existsSync(p));
  const home = join(opts.home ?? homedir(), '.kube', 'config');
  const files = fromEnv.length > 0 ? fromEnv : existsSync(home) ? [home] : [];
  if (files.length === 0) {
    const tried = [env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : 'KUBECONFIG (unset)', home];
    throw new KubeConfigError(
      `no Kubernetes configuration found: not in a pod (KUBERNETES_SERVICE_HOST unset), ` +
        `tried ${tried.join(' and ')}; pass --kubeconfig`,
    );
  }
  return fromFiles(files, opts.context);
}

/** The pod's service account: the API server from the environment, token and CA from files. */
function inCluster(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): ClusterConfig {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const caFile = join(dir, 'ca.crt');
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile))
    throw new KubeConfigError(
      `KUBERNETES_SERVICE_HOST is set but ${tokenFile} does not exist: is a service account token mounted?`,
    );
  const nsFile = join(dir, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
  return {
    server,
    namespace,
    tls: () => ({ ca: existsSync(caFile) ? readFileSync(caFile) : undefined }),
    credentials: credentialSource({ tokenFile }, { where: 'the service account' }),
  };
}

function fromFiles(files: string[], context: string | undefined): ClusterConfig {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) mergeFile(merged, file);
  const where = files.length === 1 ? `kubeconfig ${files[0]}` : `kubeconfig ${files.join(', ')}`;
  const name = context ?? merged.current;
  if (context && !merged.contexts.has(context))
    throw new KubeConfigError(`kubeconfig has no context named ${context}`);
  if (!name) throw new KubeConfigError(`${where} sets no current-context; pass --context`);
  const ctx = merged.contexts.get(name);
  if (!ctx) throw new KubeConfigError(`${where}: current-context ${name} is not defined`);
  const clusterName = str(ctx.cluster);
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined;
  if (!cluster?.v.server || typeof cluster.v.server !== 'string')
    throw new KubeConfigError('the Kubernetes configuration names no cluster server');
  const c = cluster.v;
  if (c['proxy-url'])
    throw new KubeConfigError(
      `${where}: cluster ${clusterName} uses proxy-url, which schema-operator does not support`,
    );
  const userName = str(ctx.user);
  const user = userName ? merged.users.get(userName) : undefined;
  const u = user?.v ?? {};
  const cDir = cluster.dir;
  const uDir = user?.dir ?? cDir;
  const tls = (): ClusterTls => ({
    ca: material(c['certificate-authority-data'], c['certificate-authority'], cDir),
    cert: material(u['client-certificate-data'], u['client-certificate'], uDir),
    key: material(u['client-key-data'], u['client-key'], uDir),
    ...(c['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
    ...(str(c['tls-server-name']) ? { servername: str(c['tls-server-name']) } : {}),
  });
  try {
    tls(); // unreadable files are bad input now, not a mystery at the first request
  } catch (err) {
    throw new KubeConfigError(`${where}: ${(err as Error).message}`, { cause: err });
  }
  const tokenFile = str(u.tokenFile);
  return {
    server: (c.server as string).replace(/\/+$/, ''),
    namespace: str(ctx.namespace),
    tls,
    credentials: credentialSource(
      {
        token: str(u.token),
        tokenFile: tokenFile ? resolve(uDir, tokenFile) : undefined,
        username: str(u.username),
        password: str(u.password),
        impersonate: str(u.as),
        plugin: u.exec !== undefined || u['auth-provider'] !== undefined,
      },
      { where: `user ${userName ?? '(none)'}`, files, context: name },
    ),
  };
}

function mergeFile(m: Merged, file: string): void {
  let doc: KubeconfigFile;
  try {
    doc = (parse(readFileSync(file, 'utf8')) ?? {}) as KubeconfigFile;
  } catch (err) {
    // YAML errors add a code frame over several lines; the first says what is wrong.
    const reason = String((err as Error).message)
      .split('\n')[0]!
      .trim();
    throw new KubeConfigError(`while loading the Kubernetes configuration ${file}: ${reason}`, {
      cause: err,
    });
  }
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new KubeConfigError(`kubeconfig ${file} is not a mapping`);
  const dir = dirname(file);
  m.current ??= doc['current-context'] || undefined;
  for (const e of list(doc.clusters, file, 'clusters'))
    if (!m.clusters.has(e.name)) m.clusters.set(e.name, { dir, v: obj(e.cluster) });
  for (const e of list(doc.users, file, 'users'))
    if (!m.users.has(e.name)) m.users.set(e.name, { dir, v: obj(e.user) });
  for (const e of list(doc.contexts, file, 'contexts'))
    if (!m.contexts.has(e.name)) m.contexts.set(e.name, obj(e.context));
}

function list<T extends { name: string }>(v: T[] | undefined, file: string, field: string): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KubeConfigError(`kubeconfig ${file}: ${field} is not a list`);
  for (const [i, e] of v.entries())
    if (!e || typeof e.name !== 'string')
      throw new KubeConfigError(`kubeconfig ${file}: ${field}[${i}] has no name`);
  return v;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function resolve(dir: string, file: string): string {
  return isAbsolute(file) ? file : join(dir, file);
}

/** Inline base64 data wins over a file, as in kubectl. */
function material(data: unknown, file: unknown, dir: string): Buffer | undefined {
  if (str(data)) return Buffer.from(data as string, 'base64');
  if (str(file)) return readFileSync(resolve(dir, file as string));
  return undefined;
}
