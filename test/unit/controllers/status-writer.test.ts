import { expect } from 'chai';
import { statusWriter, type WithStatus } from '../../../src/controllers/status-writer.js';
import type { ObjectKey } from '../../../src/kube/index.js';

interface S {
  phase?: string;
  failure?: { reason: string };
}

function fakeApi() {
  const patches: Array<{ key: ObjectKey; body: Record<string, unknown> }> = [];
  let fail: Error | undefined;
  return {
    patches,
    failNext(err: Error) {
      fail = err;
    },
    patch: async (key: ObjectKey, body: Record<string, unknown>) => {
      await new Promise((r) => setTimeout(r, 1));
      if (fail) {
        const err = fail;
        fail = undefined;
        throw err;
      }
      patches.push({ key, body });
    },
  };
}

function obj(status: S | undefined, resourceVersion = '1', namespace?: string): WithStatus<S> {
  return { metadata: { name: 'a', namespace, resourceVersion }, status };
}

describe('controllers/status-writer', () => {
  it('does not patch a status equal to the stored one', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    await w.write(obj({ phase: 'Applied' }), { phase: 'Applied' });
    expect(api.patches).to.have.length(0);
  });

  it('patches a changed status with the object key, removed fields sent as null', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    await w.write(obj({ phase: 'Failed', failure: { reason: 'X' } }, '1', 'ns'), {
      phase: 'Applied',
    });
    expect(api.patches).to.deep.equal([
      { key: { namespace: 'ns', name: 'a' }, body: { phase: 'Applied', failure: null } },
    ]);
  });

  it('does not repeat a write whose result has not reached the cache yet', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    const cached = obj({ phase: 'Pending' }, '7');
    await w.write(cached, { phase: 'Active' });
    await w.write(cached, { phase: 'Active' });
    expect(api.patches).to.have.length(1);
  });

  it('writes again a status equal to the stale cache once the last write changed it', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    const cached = obj({ phase: 'Pending' }, '7');
    await w.write(cached, { phase: 'Active' });
    await w.write(cached, { phase: 'Pending' });
    expect(api.patches.map((p) => p.body.phase)).to.deep.equal(['Active', 'Pending']);
  });

  it('compares with the stored status once the cache holds a newer version', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    await w.write(obj({ phase: 'Pending' }, '7'), { phase: 'Active' });
    // Someone else changed it since: what the cache now holds is the truth.
    await w.write(obj({ phase: 'Pending' }, '9'), { phase: 'Active' });
    expect(api.patches).to.have.length(2);
  });

  it('writes one object in the order asked, even when called without awaiting', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    const o = obj({});
    await Promise.all([
      w.write(o, { phase: 'Applying' }),
      w.write(o, { phase: 'Applying', failure: { reason: 'R' } }),
      w.write(o, { phase: 'Applied' }),
    ]);
    expect(api.patches.map((p) => p.body)).to.deep.equal([
      { phase: 'Applying' },
      { phase: 'Applying', failure: { reason: 'R' } },
      { phase: 'Applied', failure: null },
    ]);
  });

  it('rejects when the patch fails, and the next write still goes out', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    api.failNext(new Error('conflict'));
    const error = await w.write(obj({}), { phase: 'Applied' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    await w.write(obj({}), { phase: 'Applied' });
    expect(api.patches).to.have.length(1);
  });

  it('skips a throttled write within throttleMs of the last write, not after it', async () => {
    const api = fakeApi();
    let t = 1_000;
    const w = statusWriter<S>({ patch: api.patch, throttleMs: 500, now: () => t });
    const o = obj({});
    await w.writeThrottled(o, { phase: 'a' });
    t += 100;
    await w.writeThrottled(o, { phase: 'b' });
    t += 500;
    await w.writeThrottled(o, { phase: 'c' });
    expect(api.patches.map((p) => p.body.phase)).to.deep.equal(['a', 'c']);
  });

  it('forget drops the memory of the last write', async () => {
    const api = fakeApi();
    const w = statusWriter<S>({ patch: api.patch });
    const cached = obj({ phase: 'Pending' }, '7');
    await w.write(cached, { phase: 'Active' });
    w.forget(cached);
    await w.write(cached, { phase: 'Pending' });
    expect(api.patches).to.have.length(1);
  });
});
