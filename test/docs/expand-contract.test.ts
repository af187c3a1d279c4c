/**
 * docs/expand-contract.md, "Try it on `dev`": its commands, through bash,
 * against the operator and what `dev` sets up for them (the namespace
 * `streamspace`, the Secret `streamspace-db`, and the `demo` SchemaMigration
 * with its ConfigMap from examples/, applied as `dev` applies them).
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { packageRoot } from '../../src/api/index.js';
import { dbSecret, namespace } from '../support/manifests.js';
import { freshDatabase, query } from '../support/pg.js';
import { apply, kubectlIn, useOperatorEnv, waitForSmig } from '../support/operator.js';
import { until } from '../support/spawned.js';
import { DocShell } from '../support/docs/shell.js';

const ROLLOUT = 'kubectl -n streamspace rollout status deployment/notes';
const MESSAGE = `kubectl -n streamspace get smig demo -o jsonpath='{.status.conditions[?(@.type=="ContractPending")].message}{"\\n"}'`;
const WAIT = 'kubectl -n streamspace wait --for=condition=ContractPending=false smig/demo';
const GET = 'kubectl -n streamspace get smig demo';

describe('docs/expand-contract.md on dev, against the operator', function () {
  this.timeout(120_000);
  const env = useOperatorEnv();
  let sh: DocShell;
  let url = '';
  before(async () => {
    sh = await DocShell.create({
      page: 'docs/expand-contract.md',
      env: { KUBECONFIG: env.kubeconfigPath },
    });
    url = await freshDatabase(18);
    await apply(env, namespace('streamspace'), dbSecret('streamspace', 'streamspace-db', url));
    const example = join(packageRoot(), 'examples', 'configmap-schemamigration.yaml');
    const r = await kubectlIn(env, ['apply', '-f', example]);
    expect(r.code, r.stderr).to.equal(0);
    await waitForSmig(
      env,
      'streamspace',
      'demo',
      (o) => o?.status?.appliedVersion === '002',
      30_000,
    );
  });
  after(() => sh?.close());

  /** Runs a command of the page and expects exit 0; returns its stdout. */
  async function ok(command: string): Promise<string> {
    const r = await sh.run(command);
    expect(r.code, `${command}\n${r.stdout}${r.stderr}`).to.equal(0);
    return r.stdout;
  }
  const find = (start: string, has = '') => {
    const c = sh.commands.find((c) => c.startsWith(start) && c.includes(has));
    expect(c, `a command starting ${start}`).to.be.a('string');
    return c!;
  };

  it('rolls out v1, holds 009 for its pods, and runs it once v2 replaced them', async () => {
    await ok(find('kubectl apply -f -', 'kind: Deployment'));
    expect(await ok(ROLLOUT)).to.contain('successfully rolled out');
    await ok(find('kubectl -n streamspace patch configmap demo-migrations'));
    const message = await until(
      async () => {
        const out = await ok(MESSAGE);
        return out.includes('waits for 3 pod(s)') ? out : undefined;
      },
      { timeoutMs: 30_000, everyMs: 200, what: 'ContractPending naming the v1 pods' },
    );
    expect(message).to.contain('(Deployment/notes, min-version 002)');
    expect(message).to.contain('min-version 008 or later');

    await ok(find('kubectl -n streamspace patch deployment notes'));
    expect(await ok(ROLLOUT)).to.contain('successfully rolled out');
    expect(await ok(WAIT)).to.contain('condition met');
    expect(await ok(GET)).to.match(/^demo\s+True\s+009\s/m);
    const columns = await query<{ column_name: string }>(
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'demo' AND table_name = 'notes' ORDER BY column_name",
    );
    expect(columns.map((c) => c.column_name)).to.deep.equal(['content', 'created_at', 'id']);
  });

  it('has run every command of the page', () => {
    expect(sh.notRun()).to.deep.equal([]);
  });
});
