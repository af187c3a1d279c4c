/**
 * devclusters for test files: `useDevCluster()` starts one before the
 * file's tests and stops it after; `kubeconfigFile()` writes its kubeconfig
 * to a temporary file for kubectl and client-node.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startDevCluster,
  type DevCluster,
  type DevClusterOptions,
  type KubeconfigOptions,
} from '../../src/devcluster/index.js';

/** Writes the kubeconfig of `dc` to a fresh temporary file and returns its path. */
export async function kubeconfigFile(
  dc: DevCluster,
  opts: KubeconfigOptions = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'schema-operator-kubeconfig-'));
  const path = join(dir, 'config');
  await dc.writeKubeconfig(path, opts);
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return path;
}

const cleanup: Array<() => Promise<void>> = [];

/** The handle `useDevCluster` returns; its fields are set once `before` ran. */
export interface DevClusterFixture {
  dc: DevCluster;
  /** A kubeconfig file pointing at `dc`. */
  kubeconfigPath: string;
  /** `dc.url`. */
  url: string;
}

/**
 * Starts a devcluster before the tests of the enclosing `describe` and stops
 * it after them. Faults are reset after each test.
 */
export function useDevCluster(opts: DevClusterOptions = {}): DevClusterFixture {
  const fixture = {} as DevClusterFixture;
  before(async () => {
    fixture.dc = await startDevCluster(opts);
    fixture.url = fixture.dc.url;
    fixture.kubeconfigPath = await kubeconfigFile(fixture.dc);
  });
  afterEach(() => fixture.dc?.faults.reset());
  after(async () => {
    await fixture.dc?.stop();
    while (cleanup.length) await cleanup.pop()!();
  });
  return fixture;
}
