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
    const script = await zshScriptFile();
    expect(spawnSync('zsh', ['-n', script]).status).to.equal(0);
    const check = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D && source ${script} && print -r -- $_comps[schema-operator]`,
      ],
      { encoding: 'utf8' },
    );
    expect(check.stderr).to.equal('');
    expect(check.stdout.trim()).to.equal('_schema_operator');
  });

  (hasZsh ? it : it.skip)(
    'zsh: completes options with their help, directories and words in a real zsh',
    async () => {
      const [options, dirs, words] = completeZsh(await zshScriptFile(), cwd, [
        'schema-operator new --',
        'schema-operator migrate --dir m',
        'schema-operator completion ',
      ]);
      expect(options).to.match(/--dir +-- the directory of <version>_<name>\.sql files/);
      expect(options).to.match(/--timestamp +-- number the file with the UTC time/);
      expect(dirs).to.match(/manifests\/ +migrations\//);
      expect(words).to.match(/bash +zsh/);
    },
  );
});

let zshScript: string | undefined;
async function zshScriptFile(): Promise<string> {
  if (zshScript) return zshScript;
  const r = await runCli(['completion', 'zsh']);
  expect(r.code, r.stderr).to.equal(0);
  zshScript = join(migrationDir({ '_schema-operator': r.stdout }), '_schema-operator');
  return zshScript;
}

/**
 * Types each line and a Tab into an interactive zsh (zpty: zsh's own
 * pseudo-terminal) with compinit and the script loaded, and returns what the
 * terminal showed after each, escape sequences removed.
 */
function completeZsh(script: string, cwd: string, lines: string[]): string[] {
  const steps = lines.map((line) =>
    [
      // The line, a Tab, then what the terminal shows; Ctrl-U clears the line for the next.
      `zpty -w -n z '${line}'$'\\t'`,
      "sleep 1; out=''; while zpty -r -t z chunk; do out+=$chunk; done",
      `print -r -- "$out"; print -r -- '<<END>>'`,
      "zpty -w -n z $'\\x15'; sleep 0.2; while zpty -r -t z chunk; do :; done",
    ].join('\n'),
  );
  const driver = [
    'zmodload zsh/zpty',
    "zpty z 'zsh -f -i'",
    `zpty -w z "PS1='> '; setopt NO_BEEP; autoload -U compinit; compinit -u -D; source ${script}; cd ${cwd}"`,
    'sleep 0.5; while zpty -r -t z chunk; do :; done',
    ...steps,
    'zpty -d z',
  ].join('\n');
  const r = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).to.equal(0);
  const escapes = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
  const clean = r.stdout.replace(escapes, '').replace(/[\r\b]/g, '\n');
  return clean.split('<<END>>').slice(0, lines.length);
}
