/** A tiny fetch wrapper for devcluster tests: JSON in, status and JSON out. */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON inspected loosely by tests */
import { parse } from 'yaml';
import type { DevCluster } from '../../src/devcluster/index.js';

/** The bearer token the devcluster issued to kubeconfig user `name`. */
export function tokenOf(dc: DevCluster, name: string): string {
  const config = parse(dc.kubeconfig({ user: name })) as {
    users: Array<{ name: string; user: { token: string } }>;
  };
  return config.users.find((u) => u.name === name)!.user.token;
}

/** What a request returned. */
export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** Sends `method path` with an optional JSON (or raw string) body. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Opens a watch and collects its events until `stop()` or the server ends it. */
export function openWatch(
  base: string,
  path: string,
): {
  events: Array<{ type: string; object: any }>;
  done: Promise<void>;
  stop(): void;
  until(n: number, ms?: number): Promise<void>;
} {
  const events: Array<{ type: string; object: any }> = [];
  const ctrl = new AbortController();
  const done = (async () => {
    try {
      const res = await fetch(base + path, { signal: ctrl.signal });
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  })();
  const until = async (n: number, ms = 5000): Promise<void> => {
    const end = Date.now() + ms;
    while (events.length < n) {
      if (Date.now() > end)
        throw new Error(
          `watch saw ${events.length} events, wanted ${n}: ${JSON.stringify(events.map((e) => e.type))}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { events, done, stop: () => ctrl.abort(), until };
}
