import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl } from '../support/kubectl.js';
import { killAll, start, until, within, type Spawned } from '../support/spawned.js';

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Temp entries whose names start with `prefix`. */
const tempEntries = (prefix: string): string[] =>
  readdirSync(tmpdir())
    .filter((n) => n.startsWith(prefix))
    .map((n) => join(tmpdir(), n));

/** The data directory of the local PostgreSQL on `port` (its postmaster.pid names the port). */
function pgBaseDir(port: number): string | undefined {
  return tempEntries('schema-operator-pg').find((dir) => {
    try {
      const pid = readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n');
      return pid[3]?.trim() === String(port);
    } catch {
      return false;
    }
  });
}

/** The ports `dev` printed for its control plane and PostgreSQL. */
async function ports(p: Spawned): Promise<{ api: number; pg: number }> {
  const api = await p.waitFor(/control plane at http:\/\/127\.0\.0\.1:(\d+)/, 30_000);
  const pg = await p.waitFor(/PostgreSQL \d+ on 127\.0\.0\.1:(\d+)/, 60_000);
  return { api: Number(api[1]), pg: Number(pg[1]) };
}

/** SIGINT, then: exit 0, both ports closed, the temp and data directories gone. */
async function stopAndCheck(
  p: Spawned,
  opts: { api: number; pg: number; dirs: string[] },
): Promise<void> {
  p.child.kill('SIGINT');
  const exit = await within(p.exited, 20_000, 'dev exit after SIGINT');
  expect(exit.code, p.output()).to.equal(0);
  expect(await listening(opts.api), 'control plane port').to.equal(false);
  expect(await listening(opts.pg), 'PostgreSQL port').to.equal(false);
  for (const d of opts.dirs) expect(existsSync(d), d).to.equal(false);
}

describe('schema-operator dev', function () {
  this.timeout(180_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'schema-operator-devtest-'))));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the kubeconfig once the API answers, applies the examples and cleans up on SIGINT', async () => {
    const kubeconfigPath = join(dir, 'kubeconfig');
    const devDirsBefore = new Set(tempEntries('schema-operator-dev-'));
    const p = start(['dev', '--kubeconfig', kubeconfigPath, '--port', '0']);
    // Poll for the file: the first time it is there, kubectl must get through at once.
    await until(async () => (existsSync(kubeconfigPath) ? true : undefined), {
      timeoutMs: 90_000,
      everyMs: 20,
      what: 'the kubeconfig',
    });
    const version = await kubectl(['get', '--raw', '/version'], { kubeconfigPath });
    expect(version.code, version.stderr).to.equal(0);
    expect(JSON.parse(version.stdout)).to.have.property('gitVersion');
    const { api, pg } = await ports(p);

    const next = await p.waitFor(/next:\n([\s\S]*?)Ctrl-C/, 5_000);
    expect(p.output()).to.contain(`kubeconfig: ${kubeconfigPath}`);
    expect(next[1]).to.contain(`kubectl --kubeconfig ${kubeconfigPath} get smig -A`);

    const table = await until(
      async () => {
        const r = await kubectl(['get', 'smig', '-A'], { kubeconfigPath });
        const ready = (name: string, version: string) =>
          new RegExp(`^streamspace\\s+${name}\\s+True\\s+${version}\\s+0\\s`, 'm').test(r.stdout);
        return ready('streamspace-api', '010') && ready('demo', '002') ? r.stdout : undefined;
      },
      { timeoutMs: 90_000, everyMs: 500, what: 'both examples Ready' },
    );
    expect(table.split('\n')[0]).to.match(/^NAMESPACE\s+NAME\s+READY\s+APPLIED\s+PENDING\s+AGE$/);

    const pgDir = pgBaseDir(pg);
    expect(pgDir, 'the PostgreSQL directory').to.be.a('string');
    const devDirs = tempEntries('schema-operator-dev-').filter((d) => !devDirsBefore.has(d));
    const mine = devDirs.filter((d) =>
      readFileSync(join(d, 'kubeconfig.internal'), 'utf8').includes(`127.0.0.1:${api}`),
    );
    expect(mine, 'the dev temp directory').to.have.length(1);
    await stopAndCheck(p, { api, pg, dirs: [pgDir!, mine[0]!] });
  });

  it('applies nothing with --no-examples, and removes its own kubeconfig directory on SIGINT', async () => {
    const p = start(['dev', '--no-examples']);
    const { api, pg } = await ports(p);
    const m = await p.waitFor(/kubeconfig: (\S+)\n/, 30_000);
    const kubeconfigPath = m[1]!;
    await p.waitFor(/operator running/, 30_000);
    const crds = await kubectl(['get', 'crd', '-o', 'name'], { kubeconfigPath });
    expect(crds.stdout).to.contain('schemamigrations.schema.streamspace.io');
    const smigs = await kubectl(['get', 'smig', '-A'], { kubeconfigPath });
    expect(smigs.code, smigs.stderr).to.equal(0);
    expect(smigs.stderr.trim()).to.equal('No resources found');
    const ns = await kubectl(['get', 'ns', 'streamspace'], { kubeconfigPath });
    expect(ns.code).to.equal(1);
    const pgDir = pgBaseDir(pg);
    expect(pgDir, 'the PostgreSQL directory').to.be.a('string');
    await stopAndCheck(p, { api, pg, dirs: [pgDir!, join(kubeconfigPath, '..')] });
  });
});
