/**
 * Helm 4 keeps its releases in Secrets through client-go's typed client,
 * which sends protobuf: the create and update of each release Secret, and
 * the DeleteOptions of each DELETE. Client-side apply (`--server-side=false`)
 * keeps this test to those requests.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm as runHelm } from '../../support/packaging/render.js';
import { useDevCluster } from '../../support/devcluster.js';
import { call } from '../../support/http-client.js';

describe('helm 4 release storage (protobuf Secrets and DeleteOptions)', function () {
  this.timeout(60_000);
  const f = useDevCluster();
  const home = mkdtempSync(join(tmpdir(), 'schema-operator-helm-pb-'));
  const chart = join(home, 'chart');
  after(() => rmSync(home, { recursive: true, force: true }));
  const helm = (args: string[]) =>
    runHelm([...args, '--kubeconfig', f.kubeconfigPath, '-n', 'default'], home);
  const releases = async () =>
    (
      (await call(f.url, 'GET', '/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm'))
        .body as { items: Array<{ metadata: { name: string; labels: Record<string, string> } }> }
    ).items.map((s) => `${s.metadata.name} ${s.metadata.labels.status}`);
  const cm = async () =>
    (await call(f.url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).body as {
      data?: Record<string, string>;
    };

  before(() => {
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: settings\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), 'mode: a\n');
    writeFileSync(
      join(chart, 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: "{{ .Values.mode }}"}\n',
    );
  });

  it('installs, upgrades, rolls back and uninstalls, its release Secrets following', async () => {
    const install = await helm(['install', 'rel', chart, '--server-side=false', '--wait=false']);
    expect(install.code, install.stderr).to.equal(0);
    expect(await releases()).to.deep.equal(['sh.helm.release.v1.rel.v1 deployed']);
    const upgrade = await helm(['upgrade', 'rel', chart, '--set', 'mode=b', '--server-side=false']);
    expect(upgrade.code, upgrade.stderr).to.equal(0);
    expect((await cm()).data).to.deep.equal({ mode: 'b' });
    const rollback = await helm(['rollback', 'rel', '1', '--server-side=false']);
    expect(rollback.code, rollback.stderr).to.equal(0);
    expect((await cm()).data).to.deep.equal({ mode: 'a' });
    expect((await releases()).sort()).to.deep.equal([
      'sh.helm.release.v1.rel.v1 superseded',
      'sh.helm.release.v1.rel.v2 superseded',
      'sh.helm.release.v1.rel.v3 deployed',
    ]);
    const history = await helm(['history', 'rel']);
    expect(history.stdout).to.match(/3\s.*deployed.*Rollback to 1/);
    const uninstall = await helm(['uninstall', 'rel']);
    expect(uninstall.code, uninstall.stderr).to.equal(0);
    expect(await releases()).to.deep.equal([]);
    expect(
      (await call(f.url, 'GET', '/api/v1/namespaces/default/configmaps/settings')).status,
    ).to.equal(404);
  });
});
