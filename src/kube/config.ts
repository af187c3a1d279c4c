/**
 * Where the API server is and how to authenticate: in-cluster service
 * account when running in a pod, else an explicit path, `KUBECONFIG`, or
 * `~/.kube/config`. Nothing is contacted here; a server that does not answer
 * shows up as an `UnavailableError` on the first call.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

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
}

/** No usable cluster configuration was found, or it names no server. */
export class KubeConfigError extends Error {
  readonly reason = 'KubeConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}

/**
 * A loaded `KubeConfig`, or a `KubeConfigError` saying what was tried. Order:
 * `kubeconfigPath`; in-cluster when `KUBERNETES_SERVICE_HOST` is set and no
 * path was given; `KUBECONFIG` (path list); `~/.kube/config`.
 */
export function kubeConfig(opts: KubeConfigOptions = {}): KubeConfig {
  const env = opts.env ?? process.env;
  const kc = new KubeConfig();
  const tried: string[] = [];
  try {
    if (opts.kubeconfigPath) {
      if (!existsSync(opts.kubeconfigPath))
        throw new KubeConfigError(`kubeconfig ${opts.kubeconfigPath} does not exist`);
      kc.loadFromFile(opts.kubeconfigPath);
    } else if (env.KUBERNETES_SERVICE_HOST) {
      kc.loadFromCluster();
    } else {
      const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p && existsSync(p));
      const home = join(opts.home ?? homedir(), '.kube', 'config');
      tried.push(env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : 'KUBECONFIG (unset)', home);
      const files = fromEnv.length > 0 ? fromEnv : existsSync(home) ? [home] : [];
      if (files.length === 0)
        throw new KubeConfigError(
          `no Kubernetes configuration found: not in a pod (KUBERNETES_SERVICE_HOST unset), ` +
            `tried ${tried.join(' and ')}; pass --kubeconfig`,
        );
      kc.loadFromFile(files[0]!);
      for (const extra of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(extra);
        kc.mergeConfig(more, true);
      }
    }
  } catch (err) {
    if (err instanceof KubeConfigError) throw err;
    // YAML errors add a code frame over several lines; the first says what is wrong.
    const reason = String((err as Error).message)
      .split('\n')[0]!
      .trim();
    const where = opts.kubeconfigPath ? ` ${opts.kubeconfigPath}` : '';
    throw new KubeConfigError(`while loading the Kubernetes configuration${where}: ${reason}`, {
      cause: err,
    });
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context))
      throw new KubeConfigError(`kubeconfig has no context named ${opts.context}`);
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()?.server)
    throw new KubeConfigError('the Kubernetes configuration names no cluster server');
  return kc;
}
