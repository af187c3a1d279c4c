/**
 * What the kubelet would run for the first container of a Deployment's pod,
 * turned into a local process: the image's ENTRYPOINT, CMD and ENV read from
 * the Dockerfile's final stage, the container's command, args and env on
 * top, downward-API env resolved for a named pod, and `$(VAR)` references in
 * command and args expanded as the kubelet expands them. The install test
 * then adapts only what must differ outside a cluster (kubeconfig, bind
 * address) and runs the rest as written.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type Obj } from './render.js';

/** The final stage of the Dockerfile: what a container of the image starts with. */
export interface ImageConfig {
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
}

/** Reads WORKDIR, ENTRYPOINT and CMD (exec form) and ENV (`K=V`) of the Dockerfile's last stage. */
export function imageConfig(dockerfile = join(ROOT, 'Dockerfile')): ImageConfig {
  const lines = readFileSync(dockerfile, 'utf8')
    .split('\n')
    .map((l) => l.trim());
  const last = lines.slice(lines.findLastIndex((l) => /^FROM /i.test(l)));
  const out: ImageConfig = { workdir: '/', entrypoint: [], cmd: [], env: {} };
  for (const line of last) {
    const [, instr, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (instr === 'WORKDIR') out.workdir = rest!;
    if (instr === 'ENTRYPOINT') out.entrypoint = JSON.parse(rest!) as string[];
    if (instr === 'CMD') out.cmd = JSON.parse(rest!) as string[];
    if (instr === 'ENV') {
      const [k, ...v] = rest!.split('=');
      out.env[k!] = v.join('=');
    }
  }
  return out;
}

/** A process as the container would start it. */
export interface ContainerProcess {
  /** Executable and arguments, after `$(VAR)` expansion. */
  argv: string[];
  /** The image's ENV, then the container's env. */
  env: Record<string, string>;
}

/** Where the pod runs, for the downward API. */
export interface PodIdentity {
  name: string;
  namespace: string;
}

/** The value of a downward-API field reference; only the fields a pod's metadata has here. */
function fieldRef(path: string, pod: PodIdentity): string {
  if (path === 'metadata.name') return pod.name;
  if (path === 'metadata.namespace') return pod.namespace;
  throw new Error(`fieldRef ${path} is not resolved by test/packaging/pod.ts`);
}

/** Expands `$(NAME)` from `env`; `$$(NAME)` stays literal, unknown names stay as written (kubelet rules). */
export function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    m === '$$' ? '$' : (env[name!] ?? m),
  );
}

/** The process the first container of `deployment` runs in pod `pod`, from image `image`. */
export function containerProcess(
  deployment: Obj,
  pod: PodIdentity,
  image: ImageConfig = imageConfig(),
): ContainerProcess {
  const container = deployment.spec.template.spec.containers[0] as Obj;
  const env: Record<string, string> = { ...image.env };
  for (const e of (container.env ?? []) as Obj[]) {
    if (e.valueFrom?.fieldRef) env[e.name] = fieldRef(e.valueFrom.fieldRef.fieldPath, pod);
    else if (e.valueFrom) throw new Error(`env ${e.name}: only value and fieldRef are resolved`);
    else env[e.name] = expand(String(e.value ?? ''), env);
  }
  const command = (container.command as string[] | undefined) ?? image.entrypoint;
  // The kubelet: a container command replaces ENTRYPOINT and drops CMD; args replace CMD.
  const args = (container.args as string[] | undefined) ?? (container.command ? [] : image.cmd);
  return { argv: [...command, ...args].map((a) => expand(a, env)), env };
}
