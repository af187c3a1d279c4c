/**
 * A connection source that records the text of every query its sessions
 * run, around another source (a new connection per run by default, or a
 * pool): what the engine tests count round trips and DDL with.
 */
import type pg from 'pg';
import { NEW_CONNECTION_PER_RUN, type ConnectionSource } from '../../src/engine/index.js';

/** `source` lends `base`'s sessions, each query's text pushed to `texts`. */
export function recordingSource(base: ConnectionSource = NEW_CONNECTION_PER_RUN): {
  source: ConnectionSource;
  texts: string[];
} {
  const texts: string[] = [];
  // A pool lends the same session again: wrap its query once.
  const wrapped = new WeakSet<pg.Client>();
  const source: ConnectionSource = {
    releasesBehind: base.releasesBehind,
    async acquire(o) {
      const c = await base.acquire(o);
      if (wrapped.has(c)) return c;
      wrapped.add(c);
      const original = c.query.bind(c) as (...args: unknown[]) => unknown;
      (c as unknown as { query: unknown }).query = (
        q: string | pg.QueryConfig,
        ...rest: unknown[]
      ) => {
        texts.push(typeof q === 'string' ? q : q.text);
        return original(q, ...rest);
      };
      return c;
    },
    release: (c, o) => base.release(c, o),
  };
  return { source, texts };
}
