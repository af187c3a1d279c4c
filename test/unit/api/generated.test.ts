import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCrds, packageRoot, type Crd } from '../../../src/api/index.js';
import { DOC_FILE, TYPES_FILE, renderDoc, renderTypes } from '../../../scripts/api/generate.js';

describe('the files generated from crds/', () => {
  let crds: Crd[];
  before(async () => {
    crds = await loadCrds();
  });

  const files: Array<[string, (crds: Crd[]) => Promise<string>]> = [
    [TYPES_FILE, renderTypes],
    [DOC_FILE, renderDoc],
  ];
  for (const [file, render] of files) {
    it(`${file} is what the CRDs generate`, async () => {
      const committed = await readFile(join(packageRoot(), file), 'utf8');
      const fresh = await render(crds);
      expect(committed === fresh, `${file} is out of date: run npm run gen:api`).to.equal(true);
    });
  }

  it('the reference lists every field of both kinds', async () => {
    const doc = await readFile(join(packageRoot(), DOC_FILE), 'utf8');
    for (const path of [
      'spec.source.inline[].transactional',
      'spec.policy.baseline.version',
      'status.failure.sqlState',
      'spec.databaseRef.namespace',
      'status.conditions[].lastTransitionTime',
    ]) {
      expect(doc).to.include(`\`${path}\``);
    }
  });
});
