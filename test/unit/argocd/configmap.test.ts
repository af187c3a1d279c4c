import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { packageRoot } from '../../../src/api/index.js';
import { kubectlPath } from '../../support/kubectl.js';
import { HEALTH_CHECKS, readScript } from '../../support/argocd/scripts.js';

const run = promisify(execFile);
const SNIPPET = join(packageRoot(), 'argocd', 'argocd-cm.yaml');

interface ConfigMap {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data: Record<string, string>;
}

/** The data an Argo CD installation's argocd-cm should get from us. */
function expectedData(): Record<string, string> {
  return Object.fromEntries(HEALTH_CHECKS.map((c) => [c.configMapKey, readScript(c)]));
}

describe('argocd/argocd-cm.yaml', () => {
  const cm = parse(readFileSync(SNIPPET, 'utf8')) as ConfigMap;

  it('is the argocd-cm ConfigMap of the argocd namespace, labelled as Argo CD expects', () => {
    expect(cm).to.include({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(cm.metadata).to.include({ name: 'argocd-cm', namespace: 'argocd' });
    expect(cm.metadata.labels).to.include({ 'app.kubernetes.io/part-of': 'argocd' });
  });

  it('holds one health key per kind and nothing else', () => {
    expect(Object.keys(cm.data)).to.deep.equal(HEALTH_CHECKS.map((c) => c.configMapKey));
  });

  for (const check of HEALTH_CHECKS) {
    it(`carries ${check.scriptPath} byte for byte under ${check.configMapKey}`, () => {
      // On failure: copy the .lua file into the block under the key, indented four spaces.
      expect(cm.data[check.configMapKey]).to.equal(readScript(check));
    });
  }

  it('merges into an existing argocd-cm as a kustomize patch, keeping its other keys', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'argocd-cm-'));
    try {
      copyFileSync(SNIPPET, join(dir, 'argocd-cm.yaml'));
      writeFileSync(
        join(dir, 'base.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm, namespace: argocd}\n' +
          'data: {url: "https://argocd.example.com"}\n',
      );
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        'resources: [base.yaml]\npatches:\n  - path: argocd-cm.yaml\n',
      );
      const { stdout } = await run(await kubectlPath(), ['kustomize', dir]);
      const docs = parseAllDocuments(stdout).map((d) => d.toJS() as ConfigMap);
      expect(docs).to.have.length(1);
      expect(docs[0]!.data).to.deep.equal({ url: 'https://argocd.example.com', ...expectedData() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
