/**
 * The official Kubernetes Python client (Debian's python3-kubernetes, which
 * .ci/run installs when it is absent) as a third referee beside kubectl and
 * @kubernetes/client-node: python/referee.py creates, lists, patches
 * (strategic merge and JSON patch), watches from a list's resourceVersion
 * and live, writes a custom resource's and a pod's status, deletes, and
 * reads a Deployment's rollout (its ReplicaSet, pods and Scale), asserting
 * at each step what kube-apiserver answers. The interpreter is the
 * system's /usr/bin/python3, where apt installs the package (a pyenv
 * python3 first on PATH would not see it).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../../src/api/index.js';
import { useDevCluster } from '../../support/devcluster.js';

/** Where apt's python3-kubernetes is importable. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(packageRoot(), 'test', 'integration', 'devcluster', 'python', 'referee.py');

/** What the script printed and how it exited. */
interface Run {
  code: number;
  out: string;
}

function python(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

describe('devcluster with the official Python client', function () {
  this.timeout(60_000);
  const f = useDevCluster();

  before(async () => {
    const probe = await python(['-c', 'import kubernetes; print(kubernetes.__version__)']);
    expect(
      probe.code,
      `${PYTHON} cannot import kubernetes (apt-get install python3-kubernetes, as .ci/run does): ${probe.out}`,
    ).to.equal(0);
  });

  it('creates, lists, patches, watches from a resourceVersion, writes status, deletes and reads a rollout', async () => {
    const run = await python([SCRIPT, f.kubeconfigPath]);
    expect(run.code, run.out).to.equal(0);
    expect(run.out.match(/^ok \w+$/gm)).to.deep.equal([
      'ok create',
      'ok list',
      'ok patch',
      'ok watch',
      'ok status',
      'ok delete',
      'ok rollout',
    ]);
  });
});
