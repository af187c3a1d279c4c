/**
 * Rendering the install artifacts with the real tools, shared by the
 * packaging tests: `helm template` of helm/schema-operator (helm 4),
 * `kubectl kustomize manifests/` (kubectl 1.33), and the YAML files of
 * examples/ and argocd/ as they are.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../../src/api/index.js';
import { helmPath, kubectlPath } from '../kubectl.js';

/** A rendered Kubernetes object, read loosely: tests inspect what they need. */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The repository root (where crds/, manifests/, helm/ and examples/ are). */
export const ROOT = packageRoot();

/** The chart directory. */
export const CHART = join(ROOT, 'helm', 'schema-operator');

/**
 * Values that turn every optional part of the chart on and change every
 * value that shapes the Deployment: what "non-default values" means in the
 * packaging tests.
 */
export const ALL_OPTIONS: Obj = {
  replicaCount: 3,
  watchNamespace: 'streamspace',
  selector: 'shard=a',
  logLevel: 'debug',
  defaultDatabaseRef: 'streamspace/streamspace-api',
  allowedDatabaseHosts: ['*.db.svc.cluster.local', '10.0.0.0/8'],
  organizationClass: { bindableClusterRoles: ['view', 'tenant-admin'] },
  image: { repository: 'example.org/so', tag: '9.9.9', pullPolicy: 'Always' },
  imagePullSecrets: [{ name: 'registry' }],
  leaderElection: { enabled: true, leaseName: 'so-shard-a' },
  metrics: {
    port: 9090,
    serviceMonitor: { enabled: true, interval: '15s', labels: { release: 'prometheus' } },
  },
  prometheusRule: {
    enabled: true,
    labels: { release: 'prometheus' },
    runbookBaseUrl: 'https://example.org/runbook',
  },
  grafanaDashboard: { enabled: true, labels: { grafana_dashboard: '1' }, namespace: 'monitoring' },
  podDisruptionBudget: { enabled: true, minAvailable: 2 },
  networkPolicy: {
    enabled: true,
    allowedFrom: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }],
  },
  serviceAccount: { name: 'so', annotations: { 'example.com/role': 'schema-operator' } },
  podAnnotations: { 'example.com/team': 'platform' },
  podLabels: { team: 'platform' },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }],
  affinity: {
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 1,
          preference: {
            matchExpressions: [{ key: 'pool', operator: 'In', values: ['system'] }],
          },
        },
      ],
    },
  },
};

/** What a helm run printed and how it exited. */
export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with its config and cache in `home`, so runs never share state. Never throws for an exit code. */
export async function helm(args: string[], home: string): Promise<HelmResult> {
  const bin = await helmPath();
  const env = {
    ...process.env,
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  return new Promise((done) => {
    execFile(
      bin,
      args,
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The non-empty documents of a multi-document YAML text. */
export function yamlObjects(text: string): Obj[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

/** Options of {@link renderChart}. */
export interface RenderChartOptions {
  /** Written to a values file and passed with `-f` (default: none, the chart's defaults). */
  values?: Obj;
  /** Default `so`. */
  release?: string;
  /** Default `ops`. */
  namespace?: string;
}

/**
 * `helm template` of the chart; the text it printed. Throws with helm's
 * stderr when it fails. Helm's state lives in a temporary directory removed
 * afterwards.
 */
export async function renderChartText(o: RenderChartOptions = {}): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'schema-operator-helm-'));
  try {
    const file = join(home, 'values.yaml');
    writeFileSync(file, JSON.stringify(o.values ?? {}));
    const args = ['template', o.release ?? 'so', CHART, '--namespace', o.namespace ?? 'ops'];
    const res = await helm([...args, '-f', file], home);
    if (res.code !== 0) throw new Error(`helm template failed (${res.code}):\n${res.stderr}`);
    return res.stdout;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `helm template` of the chart, parsed. */
export async function renderChart(o: RenderChartOptions = {}): Promise<Obj[]> {
  return yamlObjects(await renderChartText(o));
}

/** `kubectl kustomize manifests/`, parsed. */
export async function renderKustomize(): Promise<Obj[]> {
  const run = promisify(execFile);
  const { stdout } = await run(await kubectlPath(), ['kustomize', join(ROOT, 'manifests')], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return yamlObjects(stdout);
}

/** Every `.yaml` file under `dir` (recursively), as paths relative to the repository root, sorted. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.yaml') || name.endsWith('.yml')) out.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

/** The objects of a repository file (a path relative to the root). */
export function objectsOf(file: string): Obj[] {
  return yamlObjects(readFileSync(join(ROOT, file), 'utf8'));
}
