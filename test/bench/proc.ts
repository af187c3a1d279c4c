/**
 * Timed child processes for the benchmarks. Every tool is measured the same
 * way: wall time from spawn to exit, output collected (and kept short) so a
 * failure can say why, and a hard timeout so a stuck tool cannot hang the run.
 */
import { spawn } from 'node:child_process';

/** How a finished process ended and how long it took. */
export interface Timed {
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of one timed run. */
export interface TimedOptions {
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number;
}

/** Keeps only the tail of a long output: enough for an error message. */
const KEEP = 8192;

/** Runs `cmd args` to the end and measures its wall time; never throws for a non-zero exit. */
export function timed(cmd: string, args: string[], opts: TimedOptions = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-KEEP)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-KEEP)));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, signal, stdout, stderr });
    });
  });
}

/** Like `timed`, but a non-zero exit is an error naming the tool and its output. */
export async function timedOk(
  what: string,
  cmd: string,
  args: string[],
  opts: TimedOptions = {},
): Promise<Timed> {
  const r = await timed(cmd, args, opts);
  if (r.code !== 0) {
    const out = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-15).join('\n');
    throw new Error(`${what} exited ${r.code ?? r.signal}:\n${out}`);
  }
  return r;
}
