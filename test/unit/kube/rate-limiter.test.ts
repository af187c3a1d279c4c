import { expect } from 'chai';
import {
  BucketRateLimiter,
  ExponentialFailureRateLimiter,
  defaultRateLimiter,
} from '../../../src/kube/rate-limiter.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('rate limiters', () => {
  it('doubles a key’s delay from 5 ms on each failure and caps it at 1000 s', () => {
    const l = new ExponentialFailureRateLimiter();
    const delays = Array.from({ length: 30 }, () => l.when('a'));
    expect(delays.slice(0, 5)).to.deep.equal([5, 10, 20, 40, 80]);
    expect(delays.at(-1)).to.equal(1_000_000);
    expect(Math.max(...delays)).to.equal(1_000_000);
    expect(l.retries('a')).to.equal(30);
  });

  it('backs off each key on its own and starts over after forget', () => {
    const l = new ExponentialFailureRateLimiter();
    l.when('a');
    l.when('a');
    expect(l.when('b')).to.equal(5);
    l.forget('a');
    expect(l.when('a')).to.equal(5);
  });

  it('lets a burst through at once, then spaces requests at the bucket’s rate', async () => {
    const clock = new FakeClock();
    const l = new BucketRateLimiter({ qps: 10, burst: 3, clock });
    expect([l.when(), l.when(), l.when()]).to.deep.equal([0, 0, 0]);
    expect(l.when()).to.be.closeTo(100, 1e-6);
    expect(l.when()).to.be.closeTo(200, 1e-6);
    await clock.advance(1000);
    expect(l.when()).to.equal(0);
  });

  it('combines both as the larger delay: a storm of failing keys is throttled globally', () => {
    const clock = new FakeClock();
    const l = defaultRateLimiter(clock);
    const first = Array.from({ length: 100 }, (_, i) => l.when(`k${i}`));
    expect(first.every((d) => d === 5)).to.equal(true);
    expect(l.when('k100')).to.be.closeTo(100, 1e-6);
    expect(l.retries('k1')).to.equal(1);
  });
});
