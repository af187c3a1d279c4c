import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { ConnectionError, IdleBudget, SessionPool } from '../../../src/engine/index.js';

/** A client that answers every query; `ended` says whether it was closed. */
function fakeClient() {
  const c = Object.assign(new EventEmitter(), {
    _txStatus: 'I',
    ended: false,
    connectionParameters: {} as { query_timeout?: number },
    query: async () => ({ rows: [] }),
    end: async () => void (c.ended = true),
  });
  return c;
}
type Fake = ReturnType<typeof fakeClient>;

const opts = (db: string) => ({ url: `postgres://u:p@host/${db}` });

describe('IdleBudget', () => {
  it('closes the session idle longest once more than max are idle', () => {
    const b = new IdleBudget(2);
    const closed: string[] = [];
    for (const s of ['a', 'b', 'c']) b.add({ s }, () => closed.push(s));
    expect(closed).to.deep.equal(['a']);
    expect(b.size).to.equal(2);
  });

  it('counts a session lent again as fresh: it goes to the back when it is idle again', () => {
    const b = new IdleBudget(2);
    const closed: string[] = [];
    const a = {};
    b.add(a, () => closed.push('a'));
    b.add({}, () => closed.push('b'));
    b.remove(a);
    b.add(a, () => closed.push('a'));
    b.add({}, () => closed.push('c'));
    expect(closed).to.deep.equal(['b']);
  });

  it('closes every idle session at once when asked', () => {
    const b = new IdleBudget(5);
    const closed: number[] = [];
    for (let i = 0; i < 3; i++) b.add({}, () => closed.push(i));
    expect(b.closeAll()).to.equal(3);
    expect(closed).to.deep.equal([0, 1, 2]);
    expect(b.size).to.equal(0);
  });

  it('does not limit uncounted sessions, nor close one for a counted one, but closes them all with the rest', () => {
    const b = new IdleBudget(1);
    const closed: string[] = [];
    for (const s of ['w1', 'w2', 'w3']) b.add({ s }, () => closed.push(s), { counted: false });
    b.add({}, () => closed.push('r1'));
    b.add({}, () => closed.push('r2'));
    expect(closed).to.deep.equal(['r1']);
    expect([b.size, b.held]).to.deep.equal([1, 4]);
    expect(b.closeAll()).to.equal(4);
    expect(closed).to.deep.equal(['r1', 'w1', 'w2', 'w3', 'r2']);
    expect([b.size, b.held]).to.deep.equal([0, 0]);
  });
});

describe('session pools under one idle budget', () => {
  function pools(budget: IdleBudget, n: number, connect?: () => Promise<Fake>) {
    const opened: Fake[] = [];
    const make = async () => {
      const c = connect ? await connect() : fakeClient();
      opened.push(c);
      return c as unknown as pg.Client;
    };
    return {
      opened,
      all: Array.from({ length: n }, () => new SessionPool({ budget, connect: make })),
    };
  }

  it('keeps at most the budget idle over every database, closing the oldest', async () => {
    const budget = new IdleBudget(2);
    const { all, opened } = pools(budget, 3);
    for (const [i, p] of all.entries()) {
      const c = await p.acquire(opts(`db${i}`));
      await p.release(c, { reusable: true, untouched: true });
    }
    expect(opened.map((c) => c.ended)).to.deep.equal([true, false, false]);
    expect(all.map((p) => p.idleCount)).to.deep.equal([0, 1, 1]);
    expect(all.map((p) => p.size)).to.deep.equal([0, 1, 1]);
    // The closed one is not lent again: its database gets a new session.
    const again = await all[0]!.acquire(opts('db0'));
    expect(again).to.equal(opened[3]);
  });

  it('gives back its idle sessions and connects again when the server is out of slots', async () => {
    const budget = new IdleBudget(4);
    let refuse = false;
    const { all, opened } = pools(budget, 2, async () => {
      if (refuse) {
        refuse = false;
        const cause = Object.assign(new Error('sorry, too many clients already'), {
          code: '53300',
        });
        throw new ConnectionError('cannot connect: sorry, too many clients already', cause);
      }
      return fakeClient();
    });
    const c = await all[0]!.acquire(opts('db0'));
    await all[0]!.release(c, { reusable: true, untouched: true });
    refuse = true;
    const d = await all[1]!.acquire(opts('db1'));
    expect(d).to.equal(opened[1]);
    expect(opened[0]!.ended, 'the idle session of db0 was closed').to.equal(true);
    expect(all[0]!.size).to.equal(0);
  });

  it('does not retry a refusal for another reason', async () => {
    const budget = new IdleBudget(4);
    const { all } = pools(budget, 1, async () => {
      throw new ConnectionError('password authentication failed', { code: '28P01' });
    });
    const err = await all[0]!.acquire(opts('db0')).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConnectionError);
    expect(all[0]!.size).to.equal(0);
  });
});
