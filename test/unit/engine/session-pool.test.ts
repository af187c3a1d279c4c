import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { RunAbortedError, SessionPool, sessionKey } from '../../../src/engine/index.js';

/** A client that answers every query and records it. */
function fakeClient(log: string[], fail = false) {
  const c = Object.assign(new EventEmitter(), {
    _txStatus: 'I',
    connectionParameters: {} as { query_timeout?: number },
    query: async (q: string | { text: string }) => {
      const sql = typeof q === 'string' ? q : q.text;
      log.push(sql);
      if (fail) throw new Error('connection gone');
      return { rows: [] };
    },
    end: async () => void log.push('end'),
  });
  return c as unknown as pg.Client;
}

function pool(max = 1, fail = false) {
  const log: string[] = [];
  let opened = 0;
  const p = new SessionPool({
    max,
    connect: async () => (opened++, fakeClient(log, fail)),
  });
  return { p, log, opened: () => opened };
}

const opts = { url: 'postgres://u:p@db/app' };

describe('SessionPool', () => {
  it('opens at most `max` sessions and lends a returned one to the run that waited', async () => {
    const { p, opened } = pool(1);
    const a = await p.acquire(opts);
    const waiting = p.acquire(opts);
    await p.release(a, { reusable: true });
    expect(await waiting).to.equal(a);
    expect(opened()).to.equal(1);
  });

  it('lends the session being reset to the next run rather than opening another', async () => {
    const { p, opened } = pool(2);
    const a = await p.acquire(opts);
    // The run does not wait for the reset (migrate.ts): the next acquire comes meanwhile.
    const back = p.release(a, { reusable: true });
    const next = await p.acquire(opts);
    await back;
    expect(next).to.equal(a);
    expect(opened()).to.equal(1);
  });

  it('opens a new session for the next run when the reset of the one coming back fails', async () => {
    const log: string[] = [];
    let opened = 0;
    const p = new SessionPool({
      max: 2,
      connect: async () => (opened++, fakeClient(log, opened === 1)),
    });
    const a = await p.acquire(opts);
    const back = p.release(a, { reusable: true });
    const next = await p.acquire(opts);
    await back;
    expect(next).to.not.equal(a);
    expect(opened).to.equal(2);
    expect(log).to.include('end');
  });

  it('resets a session given back after a run, but not one only the engine read from', async () => {
    const { p, log } = pool();
    const a = await p.acquire(opts);
    await p.release(a, { reusable: true });
    expect(log.filter((q) => q === 'DISCARD ALL')).to.have.length(1);
    const b = await p.acquire(opts);
    await p.release(b, { reusable: true, untouched: true });
    expect(log.filter((q) => q === 'DISCARD ALL')).to.have.length(1);
  });

  it('rolls back first when a transaction is open, even for an untouched session', async () => {
    const { p, log } = pool();
    const a = await p.acquire(opts);
    (a as unknown as { _txStatus: string })._txStatus = 'T';
    await p.release(a, { reusable: true, untouched: true });
    expect(log.slice(0, 2)).to.deep.equal(['ROLLBACK', 'DISCARD ALL']);
  });

  it('closes a session whose reset fails and lets a waiting run open its own', async () => {
    const { p, log, opened } = pool(1, true);
    const a = await p.acquire(opts);
    const waiting = p.acquire(opts);
    await p.release(a, { reusable: true });
    expect(log).to.include('end');
    expect(await waiting).not.to.equal(a);
    expect(opened()).to.equal(2);
  });

  it('stops waiting when the run is aborted', async () => {
    const { p } = pool(1);
    await p.acquire(opts);
    const ac = new AbortController();
    const waiting = p.acquire({ ...opts, signal: ac.signal }).catch((e: unknown) => e);
    ac.abort();
    expect(await waiting).to.be.instanceOf(RunAbortedError);
  });

  it('closes idle sessions at end(), fails waiting runs, and closes lent ones as they come back', async () => {
    const { p, log } = pool(1);
    const a = await p.acquire(opts);
    const waiting = p.acquire(opts).catch((e: unknown) => e);
    await p.end();
    expect(await waiting).to.be.instanceOf(Error);
    await p.release(a, { reusable: true });
    expect(log).to.deep.equal(['end']);
    expect(p.size).to.equal(0);
  });

  it('sets the run’s own client-side query timeout on the session it lends', async () => {
    const { p } = pool();
    const a = await p.acquire({ ...opts, queryTimeoutMs: 1234 });
    expect(
      (a as unknown as { connectionParameters: { query_timeout: number } }).connectionParameters
        .query_timeout,
    ).to.equal(1234);
  });

  it('checks a session idle over a minute before lending it, and replaces one that does not answer', async () => {
    const log: string[] = [];
    const clock = { ms: 0 };
    const clients: pg.Client[] = [];
    const p = new SessionPool({
      now: () => clock.ms,
      connect: async () => {
        const c = fakeClient(log, clients.length === 0 && log.length > 0);
        clients.push(c);
        return c;
      },
    });
    const a = await p.acquire(opts);
    await p.release(a, { reusable: true, untouched: true });
    clock.ms += 30_000;
    expect(await p.acquire(opts)).to.equal(a);
    expect(log).not.to.include('SELECT 1');
    await p.release(a, { reusable: true, untouched: true });
    clock.ms += 61_000;
    // The session went half-open meanwhile: its check fails, a new one is lent.
    (a as unknown as { query: () => Promise<never> }).query = async () => {
      log.push('SELECT 1');
      throw new Error('Query read timeout');
    };
    const b = await p.acquire(opts);
    expect(log).to.include('SELECT 1');
    expect(b).not.to.equal(a);
    expect(p.size).to.equal(1);
  });

  it('lends a long-idle session unchecked to a borrower whose own query is bounded as tightly', async () => {
    const log: string[] = [];
    const clock = { ms: 0 };
    const p = new SessionPool({ now: () => clock.ms, connect: async () => fakeClient(log) });
    const a = await p.acquire(opts);
    await p.release(a, { reusable: true, untouched: true });
    clock.ms += 10 * 60_000;
    expect(await p.acquire({ ...opts, queryTimeoutMs: 5_000 })).to.equal(a);
    expect(log).to.deep.equal([]);
  });

  it('keys sessions by everything their start-up fixes', () => {
    const base = sessionKey(opts);
    expect(sessionKey({ url: 'postgres://v:p@db/app' })).not.to.equal(base);
    expect(sessionKey({ ...opts, tls: { ca: 'x' } })).not.to.equal(base);
    expect(sessionKey({ ...opts, applicationName: 'x' })).not.to.equal(base);
    expect(sessionKey({ ...opts, statementTimeoutMs: 1 })).not.to.equal(base);
    expect(sessionKey({ ...opts, queryTimeoutMs: 1 })).to.equal(base);
  });
});
