/**
 * What the operator image carries: the product commands (`run`, `migrate`,
 * `plan`, `status`, `wait`, `lint`) and nothing of `dev`, the generators or
 * the dev dependencies. Checked twice, without a Docker engine: by walking the
 * compiled import graph, and by running the CLI from a copy of the image's
 * file set where only the production dependencies resolve.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/api/index.js';
import { importGraph, packageName, specifiers } from './import-graph.js';

const run = promisify(execFile);
const ROOT = packageRoot();
const SRC = join(ROOT, 'dist', 'src');
const MAIN = join(SRC, 'cli', 'main.js');
// The one module `dev` loads (dynamically, from cli/dev-command.js): the door to the devcluster.
const DEV = join(SRC, 'cli', 'dev.js');

interface PackageJson {
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** Paths (relative to the package root) the Dockerfile's build stage deletes from dist/src. */
function removedByDockerfile(): string[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const line = text.split('\n').find((l) => /^RUN rm -r dist\/src\//.test(l));
  expect(line, 'the Dockerfile removes the dev code from dist/src').to.be.a('string');
  return line!
    .replace(/^RUN rm -r /, '')
    .split(/\s+/)
    .filter(Boolean);
}

describe('the import graph of the product commands', () => {
  const graph = importGraph(MAIN, { skip: new Set([DEV]) });
  const reached = [...graph.files].map((f) => relative(SRC, f).split(sep).join('/'));

  it('reaches the commands, the operator and the controllers', () => {
    for (const file of [
      'cli/migrate-command.js',
      'cli/wait.js',
      'operator/operator.js',
      'controllers/schemamigration/setup.js',
      'engine/index.js',
    ])
      expect(reached).to.include(file);
  });

  it('reaches nothing under devcluster/ and nothing outside dist/src', () => {
    expect(reached.filter((f) => f.startsWith('devcluster/'))).to.deep.equal([]);
    expect(reached.filter((f) => f.startsWith('..'))).to.deep.equal([]);
  });

  it('imports only packages listed in dependencies', () => {
    const missing = [...graph.packages].filter(([name]) => !(name in pkg.dependencies));
    expect(missing, 'imported by the product but not a production dependency').to.deep.equal([]);
  });

  it('resolves nothing at run time by a computed name (createRequire, require, import(expr))', () => {
    expect(graph.opaque.map((f) => relative(SRC, f))).to.deep.equal([]);
  });

  it('does reach the devcluster through dev, so the walk follows dynamic imports', () => {
    const withDev = importGraph(MAIN);
    const devcluster = [...withDev.files].filter((f) =>
      relative(SRC, f).startsWith(`devcluster${sep}`),
    );
    expect(devcluster).to.have.length.above(0);
    expect([...withDev.packages.keys()]).to.include('@bufbuild/cel');
  });

  it('leaves the dev-only packages to devDependencies', () => {
    for (const name of ['@bufbuild/cel', '@bufbuild/protobuf', 'jsonpath-plus']) {
      expect(pkg.dependencies, name).to.not.have.property(name);
      expect(pkg.devDependencies, name).to.have.property(name);
    }
  });
});

describe('the bins of the package', () => {
  const bins = Object.entries(pkg.bin);

  it('are the CLI and the kubectl plugin', () => {
    expect(pkg.bin).to.deep.equal({
      'schema-operator': 'dist/src/cli/main.js',
      'kubectl-schema': 'dist/src/cli/kubectl-schema.js',
    });
  });

  for (const [name, path] of bins) {
    it(`${name}: ships (package "files"), starts with a node shebang, reaches no devcluster and only dependencies`, () => {
      const excluded = pkg.files.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
      expect(path.startsWith('dist/src/')).to.equal(true);
      expect(
        excluded.some(
          (e) =>
            path === e ||
            path.startsWith(`${e}/`) ||
            new RegExp(`^${e.replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(path),
        ),
      ).to.equal(false);
      const file = join(ROOT, path);
      expect(readFileSync(file, 'utf8').split('\n')[0]).to.equal('#!/usr/bin/env node');
      const graph = importGraph(file, { skip: new Set([DEV]) });
      const reached = [...graph.files].map((f) => relative(SRC, f).split(sep).join('/'));
      expect(
        reached.filter((f) => f.startsWith('devcluster/') || f.startsWith('..')),
      ).to.deep.equal([]);
      const missing = [...graph.packages].filter(([pkgName]) => !(pkgName in pkg.dependencies));
      expect(missing).to.deep.equal([]);
      expect(graph.opaque).to.deep.equal([]);
    });
  }

  it("the plugin reaches neither the engine's database code nor the operator", () => {
    const graph = importGraph(join(SRC, 'cli', 'kubectl-schema.js'));
    const reached = [...graph.files].map((f) => relative(SRC, f).split(sep).join('/'));
    expect(reached).to.include('cli/plugin/session.js');
    expect(
      reached.filter((f) => /^(engine|operator|controllers)\//.test(f) && f !== 'engine/errors.js'),
    ).to.deep.equal([]);
    expect([...graph.packages.keys()]).to.not.include('pg');
  });
});

describe('reading import specifiers', () => {
  it('finds static, re-exported, side-effect and dynamic imports, multi-line ones too', () => {
    const source = [
      "import { a,\n  b } from './a.js';",
      "export * from './b.js';",
      "import './c.js';",
      "const d = await import('pkg/sub');",
    ].join('\n');
    expect(specifiers(source).sort()).to.deep.equal(['./a.js', './b.js', './c.js', 'pkg/sub']);
  });

  it('names the package of a specifier, scoped or not', () => {
    expect(packageName('@bufbuild/cel/ext')).to.equal('@bufbuild/cel');
    expect(packageName('yaml')).to.equal('yaml');
  });
});

describe("the CLI run from the image's file set", function () {
  this.timeout(60_000);
  let dir: string;
  let main: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'image-'));
    cpSync(SRC, join(dir, 'dist', 'src'), { recursive: true });
    for (const path of removedByDockerfile()) rmSync(join(dir, path), { recursive: true });
    for (const d of ['migrations', 'crds'])
      cpSync(join(ROOT, d), join(dir, d), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    // Only the direct production dependencies resolve from the product's files; their
    // own dependencies resolve from where they really are, as npm installed them.
    for (const name of Object.keys(pkg.dependencies)) {
      const link = join(dir, 'node_modules', name);
      mkdirSync(join(link, '..'), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
    }
    mkdirSync(join(dir, 'sql'));
    writeFileSync(join(dir, 'sql', '001_init.sql'), 'CREATE TABLE t (id int PRIMARY KEY);\n');
    main = join(dir, 'dist', 'src', 'cli', 'main.js');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [main, ...args], { cwd: dir });
      return { code: 0, out: stdout, err: stderr };
    } catch (e) {
      const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
      return { code, out: stdout, err: stderr };
    }
  }

  it('has no devcluster and no dev command module', () => {
    expect(() => readFileSync(join(dir, 'dist', 'src', 'devcluster', 'index.js'))).to.throw();
    expect(() => readFileSync(join(dir, 'dist', 'src', 'cli', 'dev.js'))).to.throw();
  });

  it('prints its help and each product command’s help', async () => {
    const help = await cli('--help');
    expect(help.code, help.err).to.equal(0);
    for (const command of ['migrate', 'plan', 'status', 'wait', 'lint', 'run']) {
      expect(help.out).to.include(command);
      const r = await cli(command, '--help');
      expect(r.code, `${command} --help: ${r.err}`).to.equal(0);
    }
  });

  it('runs the kubectl plugin: its help lists its commands', async () => {
    const plugin = join(dir, 'dist', 'src', 'cli', 'kubectl-schema.js');
    const { stdout } = await run(process.execPath, [plugin, '--help'], { cwd: dir });
    for (const command of ['status', 'retry', 'approve', 'orgs'])
      expect(stdout).to.include(command);
  });

  it('lints a migration directory', async () => {
    const r = await cli('lint', '--dir', join(dir, 'sql'));
    expect(r.code, r.err).to.equal(0);
  });

  it('loads the operator for run (and stops at the missing kubeconfig)', async () => {
    const r = await cli('run', '--kubeconfig', join(dir, 'no-such-kubeconfig'));
    expect(r.err).to.include('no-such-kubeconfig does not exist');
    expect(r.code).to.equal(2);
  });

  it('answers dev with a usage error that says where dev runs', async () => {
    const r = await cli('dev');
    expect(r.code).to.equal(2);
    expect(r.err).to.include('npm run dev');
  });
});
