/**
 * Runs the commands of a documentation page as a reader would: through
 * bash, with kubectl (1.33 unless told), `schema-operator` (the built CLI) and psql first
 * on PATH, `KUBECONFIG` and `DATABASE_URL` in the environment, and
 * `<placeholder>`s replaced by the scenario's values. Only commands that
 * appear on the page may be run, and the shell remembers which were, so a
 * test can assert that none was left out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../cli.js';
import { kubectlPath } from '../kubectl.js';
import { placeholders, shellCommands } from './commands.js';

/** What a command printed and how it exited. */
export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A command left running (a `-w` watch) and what it printed so far. */
export interface Background {
  /** Resolves with the output once it matches `re`. */
  until(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the command (its whole process group). */
  stop(): void;
}

/** Options of {@link DocShell.create}. */
export interface DocShellOptions {
  /** The page, relative to the repository root (`docs/runbook.md`). */
  page: string;
  env?: Record<string, string>;
  /** The kubectl binary the commands run; default kubectl 1.33 from the npm package. */
  kubectl?: string;
}

/** The repository root (this file is dist/test/support/docs/shell.js once built). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

const PSQL_SHIM = fileURLToPath(new URL('./psql-shim.js', import.meta.url));

/** A shell for the commands of one page. No process starts until `run`. */
export class DocShell {
  /** Placeholder values, set by each scenario. */
  vars: Record<string, string> = {};
  private readonly ran = new Set<string>();
  private readonly running = new Set<Background>();

  private constructor(
    readonly commands: string[],
    private readonly env: Record<string, string>,
    private readonly bin: string,
  ) {}

  /** Reads the page and prepares the PATH (a `schema-operator` wrapper, the kubectl, psql). */
  static async create(o: DocShellOptions): Promise<DocShell> {
    const commands = shellCommands(readFileSync(join(ROOT, o.page), 'utf8'));
    const bin = mkdtempSync(join(tmpdir(), 'schema-operator-docbin-'));
    const wrapper = join(bin, 'schema-operator');
    writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    // A real psql when the machine has one; else a stand-in for `psql URL -c SQL`.
    if (spawnSync('sh', ['-c', 'command -v psql']).status !== 0) {
      const shim = join(bin, 'psql');
      writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' '${PSQL_SHIM}' "$@"\n`);
      chmodSync(shim, 0o755);
    }
    // The chosen kubectl, first on PATH.
    symlinkSync(o.kubectl ?? (await kubectlPath()), join(bin, 'kubectl'));
    const path = [bin, dirname(process.execPath), process.env.PATH];
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...o.env };
    env.PATH = path.join(':');
    delete env.DATABASE_URL;
    return new DocShell(commands, env, bin);
  }

  /** Sets an environment variable of every later command. */
  setEnv(name: string, value: string): void {
    this.env[name] = value;
  }

  /** The value of an environment variable the commands see (an `export` sets one). */
  envOf(name: string): string | undefined {
    return this.env[name];
  }

  /** The page's commands that no test has run. */
  notRun(): string[] {
    return this.commands.filter((c) => !this.ran.has(c));
  }

  /**
   * Runs `command` (exactly as on the page) to its end. `export NAME=...`
   * keeps NAME for the commands after it.
   */
  async run(command: string, timeoutMs = 60_000): Promise<ShellResult> {
    const text = this.prepare(command);
    const exported = /^export (\w+)=/.exec(command)?.[1];
    const script = exported ? `${text}\nprintf '%s' "$${exported}"` : text;
    const r = await this.exec(script, timeoutMs);
    if (exported && r.code === 0) this.env[exported] = r.stdout;
    return r;
  }

  /** Starts `command` and leaves it running; stopped by `stop()` or `stopAll()`. */
  start(command: string): Background {
    const env = this.childEnv();
    const child = spawn('bash', ['-c', this.prepare(command)], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const bg: Background = {
      until: async (re, timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        while (!re.test(out)) {
          if (Date.now() > deadline) throw new Error(`no ${String(re)} in:\n${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return out;
      },
      stop: () => {
        this.running.delete(bg);
        if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
        rmSync(env.KUBECACHEDIR!, { recursive: true, force: true });
      },
    };
    this.running.add(bg);
    return bg;
  }

  /** Stops every background command and removes the PATH directory. */
  close(): void {
    for (const bg of [...this.running]) bg.stop();
    rmSync(this.bin, { recursive: true, force: true });
  }

  /** Checks the command is on the page, records it, and fills in the placeholders. */
  private prepare(command: string): string {
    if (!this.commands.includes(command)) throw new Error(`not on the page: ${command}`);
    this.ran.add(command);
    let text = command;
    for (const name of placeholders(command)) {
      const value = this.vars[name];
      if (value === undefined) throw new Error(`no value for <${name}> in: ${command}`);
      text = text.split(`<${name}>`).join(value);
    }
    return text;
  }

  /** Each command gets its own kubectl discovery cache: CRDs made earlier are seen at once. */
  private childEnv(): Record<string, string> {
    return { ...this.env, KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'schema-operator-kubecache-')) };
  }

  private exec(script: string, timeoutMs: number): Promise<ShellResult> {
    const env = this.childEnv();
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        rmSync(env.KUBECACHEDIR!, { recursive: true, force: true });
        resolve({ code, stdout, stderr });
      });
    });
  }
}
