import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../support/cli.js';
import { migrationDir } from '../../support/files.js';

const hasZsh = spawnSync('sh', ['-c', 'command -v zsh']).status === 0;

/** Sources `script` in real bash, completes `line` (the cursor at its end) in `cwd`, returns COMPREPLY. */
function completeBash(script: string, line: string, cwd: string): string[] {
  const words = line.split(' ');
  const program = [
    script,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE='${line}'`,
    `COMP_POINT=${line.length}`,
    '_schema_operator',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { cwd, encoding: 'utf8' });
  expect(r.status, r.stderr).to.equal(0);
  expect(r.stderr).to.equal('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('schema-operator completion', () => {
  let bash: string;
  let cwd: string;
  before(async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code, r.stderr).to.equal(0);
    bash = r.stdout;
    cwd = migrationDir({ 'notes.txt': '' });
    mkdirSync(join(cwd, 'migrations'));
    mkdirSync(join(cwd, 'manifests'));
    writeFileSync(join(cwd, 'kubeconfig'), '');
  });

  it('bash: offers every command of --help, and only those starting with the word', async () => {
    const help = (await runCli(['--help'])).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z-]+)(?: \[options\]| <|\s{2})/gm)].map(
      (m) => m[1]!,
    );
    expect(listed).to.include.members(['migrate', 'new', 'completion', 'status', 'wait']);
    const offered = completeBash(bash, 'schema-operator ', cwd);
    expect(offered).to.include.members(listed);
    expect(completeBash(bash, 'schema-operator mi', cwd)).to.deep.equal(['migrate']);
  });

  it("bash: offers a command's own options", () => {
    const offered = completeBash(bash, 'schema-operator new --', cwd);
    expect(offered).to.deep.equal(['--dir', '--help', '--timestamp']);
  });

  it('bash: completes directories after --dir, also written --dir=', () => {
    expect(completeBash(bash, 'schema-operator migrate --dir m', cwd)).to.deep.equal([
      'manifests',
      'migrations',
    ]);
    expect(completeBash(bash, 'schema-operator lint --dir = mi', cwd)).to.deep.equal([
      'migrations',
    ]);
  });

  it('bash: completes files after a <path> option, nothing after other values', () => {
    expect(completeBash(bash, 'schema-operator wait --kubeconfig k', cwd)).to.deep.equal([
      'kubeconfig',
    ]);
    expect(completeBash(bash, 'schema-operator migrate --target ', cwd)).to.deep.equal([]);
  });

  it('bash: completes the words an argument takes', () => {
    expect(completeBash(bash, 'schema-operator completion ', cwd)).to.deep.equal(['bash', 'zsh']);
    expect(completeBash(bash, 'schema-operator help mig', cwd)).to.deep.equal(['migrate']);
  });

  it('refuses a shell it does not know with exit 2', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/'fish' is invalid/);
  });

  (hasZsh ? it : it.skip)('zsh: the script parses and registers itself with compinit', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code, r.stderr).to.equal(0);
    const dir = migrationDir({ '_schema-operator': r.stdout });
    expect(spawnSync('zsh', ['-n', join(dir, '_schema-operator')]).status).to.equal(0);
    const check = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D && source ${dir}/_schema-operator && print -r -- $_comps[schema-operator]`,
      ],
      { encoding: 'utf8' },
    );
    expect(check.stderr).to.equal('');
    expect(check.stdout.trim()).to.equal('_schema_operator');
  });
});
