import { expect } from 'chai';
import { clientFor } from '../../../src/kube/client.js';
import { ForbiddenError, UnavailableError } from '../../../src/kube/errors.js';
import { checkApiReachable } from '../../../src/kube/preflight.js';
import type { KubeRequest, Transport } from '../../../src/kube/transport.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A transport whose `GET /version` answers from a script of outcomes, one per call. */
function scripted(outcomes: Array<Error | 'ok'>) {
  const calls: KubeRequest[] = [];
  const transport: Transport = {
    server: 'https://api.test:6443',
    async request<T>(req: KubeRequest): Promise<T> {
      calls.push(req);
      const next = outcomes.shift() ?? 'ok';
      if (next !== 'ok') throw next;
      return { major: '1', minor: '33' } as T;
    },
    stream: () => Promise.reject(new Error('not used')),
  };
  return { client: clientFor(transport), calls };
}

const refused = () =>
  new UnavailableError(
    'Unavailable',
    'while reaching the Kubernetes API server: connection refused',
  );

describe('API preflight', () => {
  it('asks GET /version once when the server answers', async () => {
    const { client, calls } = scripted(['ok']);
    await checkApiReachable(client, { clock: new FakeClock() });
    expect(calls).to.have.length(1);
    expect(calls[0]).to.deep.include({ method: 'GET', path: '/version' });
    expect(calls[0]!.signal).to.be.instanceOf(AbortSignal);
  });

  it('rides out a short outage, pausing between tries', async () => {
    const clock = new FakeClock();
    const { client, calls } = scripted([refused(), refused(), 'ok']);
    let done = false;
    const check = checkApiReachable(client, { clock, delayMs: 250 }).then(() => (done = true));
    await clock.advance(249);
    expect(calls).to.have.length(1);
    await clock.advance(1);
    expect(calls).to.have.length(2);
    await clock.advance(250);
    await check;
    expect(done).to.equal(true);
    expect(calls).to.have.length(3);
  });

  it('gives up after its tries with an UnavailableError saying how many and how long', async () => {
    const clock = new FakeClock();
    const { client, calls } = scripted([refused(), refused(), refused(), 'ok']);
    const check = checkApiReachable(client, { clock, attempts: 3 }).catch((e: unknown) => e);
    await clock.advance(5_000);
    const err = await check;
    expect(calls).to.have.length(3);
    expect(err).to.be.instanceOf(UnavailableError);
    expect((err as Error).message).to.equal(
      'while reaching the Kubernetes API server: connection refused; gave up after 3 tries in 2 s',
    );
    expect((err as Error).cause).to.be.instanceOf(UnavailableError);
  });

  it('tries five times a second apart by default', async () => {
    const clock = new FakeClock();
    const { client, calls } = scripted(Array.from({ length: 9 }, refused));
    const check = checkApiReachable(client, { clock }).catch((e: unknown) => e);
    await clock.advance(3_999);
    expect(calls).to.have.length(4);
    await clock.advance(1);
    expect(((await check) as Error).message).to.match(/gave up after 5 tries in 4 s$/);
    expect(calls).to.have.length(5);
  });

  it('throws other failures at once, since retrying cannot fix them', async () => {
    const forbidden = new ForbiddenError('Forbidden', 'while reaching the API: forbidden');
    const { client, calls } = scripted([forbidden, 'ok']);
    const err = await checkApiReachable(client, { clock: new FakeClock() }).catch((e) => e);
    expect(err).to.equal(forbidden);
    expect(calls).to.have.length(1);
  });
});
