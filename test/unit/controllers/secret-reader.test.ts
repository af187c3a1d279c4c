import { expect } from 'chai';
import { secretKeyReader } from '../../../src/controllers/secret-reader.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function fake(data: Record<string, string> | undefined) {
  const calls: string[] = [];
  return {
    calls,
    secrets: {
      find: async (key: { namespace?: string; name: string }) => {
        calls.push(`${key.namespace}/${key.name}`);
        await new Promise((r) => setImmediate(r));
        return data && { metadata: { name: key.name }, data };
      },
    },
  };
}

describe('secretKeyReader', () => {
  it('reads the keys of one Secret asked for together with one request, decoded and trimmed', async () => {
    const f = fake({ url: b64('postgres://u@h/d\n'), 'ca.crt': b64('PEM') });
    const read = secretKeyReader({ secrets: f.secrets });
    const got = await Promise.all(['url', 'ca.crt', 'tls.crt'].map((k) => read('ns', 's', k)));
    expect(got).to.deep.equal(['postgres://u@h/d', 'PEM', undefined]);
    expect(f.calls).to.deep.equal(['ns/s']);
  });

  it('reads afresh after a read settled, without a TTL', async () => {
    const f = fake({ url: b64('x') });
    const read = secretKeyReader({ secrets: f.secrets });
    await read('ns', 's', 'url');
    await read('ns', 's', 'url');
    expect(f.calls).to.have.length(2);
  });

  it('keeps a read for its TTL, but never a missing Secret', async () => {
    let now = 0;
    const f = fake({ url: b64('x') });
    const read = secretKeyReader({ secrets: f.secrets, ttlMs: 1000, now: () => now });
    await read('ns', 's', 'url');
    now = 999;
    await read('ns', 's', 'url');
    expect(f.calls).to.have.length(1);
    now = 1000;
    await read('ns', 's', 'url');
    expect(f.calls).to.have.length(2);
    const missing = fake(undefined);
    const readMissing = secretKeyReader({ secrets: missing.secrets, ttlMs: 1000, now: () => 0 });
    expect(await readMissing('ns', 's', 'url')).to.equal(undefined);
    await readMissing('ns', 's', 'url');
    expect(missing.calls).to.have.length(2);
  });
});
