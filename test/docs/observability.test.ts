/**
 * docs/observability.md: its metrics reference is what the registry
 * renders (`npm run gen:metrics-doc`), and it names every alert of the rules.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../src/api/index.js';
import {
  OBSERVABILITY_DOC,
  renderDoc,
  withTable,
} from '../../scripts/observability/metrics-doc.js';

const ROOT = packageRoot();
const file = join(ROOT, OBSERVABILITY_DOC);

describe('docs/observability.md', () => {
  it('has the metrics reference the registry renders (npm run gen:metrics-doc)', async () => {
    const doc = readFileSync(file, 'utf8');
    expect(await renderDoc(doc, file)).to.equal(doc);
  });

  it('notices a reference that lost a row', async () => {
    const doc = readFileSync(file, 'utf8');
    const broken = doc.replace(/^\| `workqueue_depth` .*\n/m, '');
    expect(broken).not.to.equal(doc);
    expect(await renderDoc(broken, file)).to.equal(doc);
  });

  it('refuses a doc without the markers', () => {
    expect(() => withTable('# nothing here\n', '| x |')).to.throw(/markers missing/);
  });

  it('lists every alert of the rules', () => {
    const doc = readFileSync(file, 'utf8');
    const rules = parse(
      readFileSync(join(ROOT, 'helm/schema-operator/files/prometheus-rules.yaml'), 'utf8'),
    ) as { groups: { rules: { alert: string }[] }[] };
    for (const r of rules.groups.flatMap((g) => g.rules)) expect(doc).to.contain(`\`${r.alert}\``);
  });
});
