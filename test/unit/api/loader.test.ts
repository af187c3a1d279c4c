import { expect } from 'chai';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILES, crdDir, loadCrds, packageRoot } from '../../../src/api/index.js';
import { migrationDir } from '../../support/files.js';

describe('loading the CRDs', () => {
  it('finds the package root from dist/ as well as from the source tree', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    expect(here).to.include(join('dist', 'test'));
    const root = packageRoot();
    expect(packageRoot(here)).to.equal(root);
    expect(packageRoot(join(root, 'src', 'api'))).to.equal(root);
    expect(crdDir()).to.equal(join(root, 'crds'));
  });

  it('fails with a clear message where there is no package root', () => {
    expect(() => packageRoot('/')).to.throw(/no package root with crds\//);
  });

  it('refuses a crds/ file that CRD_FILES does not list', async () => {
    const dir = migrationDir({ 'extra.yaml': 'kind: Nothing\n' });
    for (const f of CRD_FILES) copyFileSync(join(crdDir(), f), join(dir, f));
    let error: unknown;
    await loadCrds(dir).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/not in CRD_FILES: extra\.yaml/);
  });

  it('names the file when its YAML is broken', async () => {
    const dir = migrationDir({ [CRD_FILES[0]]: 'a: [', [CRD_FILES[1]]: 'kind: X\n' });
    let error: unknown;
    await loadCrds(dir).catch((e: unknown) => (error = e));
    expect(String(error)).to.include(`while reading crds/${CRD_FILES[0]}`);
  });
});
