/**
 * Helpers of the process-level e2e files (run, dev, bad input): a spawned
 * CLI whose output can be waited on, CRDs installed over plain HTTP, and
 * small polling utilities. Every process started here is killed by
 * `killAll()` (each file calls it in `after`), so a failed test leaves no
 * operator behind.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- API replies are JSON inspected loosely by tests */
import type { ChildProcess } from 'node:child_process';
import { loadCrds } from '../../src/api/index.js';
import { spawnCli } from './cli.js';

/** A running CLI process and everything it printed so far. */
export interface Spawned {
  readonly child: ChildProcess;
  /** stdout and stderr, interleaved as they arrived. */
  output(): string;
  /** Resolves with the first match of `re` in the output (waiting for it). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `schema-operator ARGS` (the built CLI on this Node). */
export function start(args: string[], env: Record<string, string | undefined> = {}): Spawned {
  const child = spawnCli(args, env);
  running.add(child);
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      for (const w of [...waiters]) w();
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${String(re)} within ${timeoutMs} ms; output:\n${out}`));
        }, timeoutMs);
        const check = (): void => {
          const m = re.exec(out);
          if (m) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`exited before ${String(re)}; output:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** SIGKILLs every process `start` began that is still running. */
export async function killAll(): Promise<void> {
  const all = [...running];
  for (const c of all) c.kill('SIGKILL');
  await Promise.all(
    all.map((c) =>
      c.exitCode !== null || c.signalCode !== null
        ? undefined
        : new Promise((r) => c.once('exit', r)),
    ),
  );
}

/** Resolves with the outcome of `p`, or rejects after `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `fn` every `everyMs` until it returns a value other than undefined. */
export async function until<T>(
  fn: () => Promise<T | undefined>,
  opts: { timeoutMs: number; everyMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${opts.what}: not within ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 50));
  }
}

/** JSON from the API (or any HTTP server): status and parsed body (text when not JSON). */
export async function http(
  url: string,
  init: { method?: string; body?: string; contentType?: string; accept?: string } = {},
): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined
        ? { 'Content-Type': init.contentType ?? 'application/json' }
        : {}),
      ...(init.accept ? { Accept: init.accept } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, text };
}

/** Creates the project's CRDs on the API at `url`. */
export async function installCrds(url: string): Promise<void> {
  for (const crd of await loadCrds()) {
    const r = await http(`${url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      body: JSON.stringify(crd),
    });
    if (r.status !== 201) throw new Error(`creating a CRD: ${r.status} ${r.text}`);
  }
}
