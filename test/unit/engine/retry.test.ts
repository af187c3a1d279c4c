import { expect } from 'chai';
import { backoffDelay, isTransientSqlState } from '../../../src/engine/retry.js';

describe('retry policy', () => {
  const transient = ['55P03', '40P01', '40001', '08006', '08001', '57P01'];
  const terminal = ['42601', '42P01', '23505', '23503', '22P02', '42501', '57014', null];
  for (const code of transient)
    it(`retries SQLSTATE ${code}`, () => expect(isTransientSqlState(code)).to.equal(true));
  for (const code of terminal)
    it(`does not retry SQLSTATE ${code}`, () => expect(isTransientSqlState(code)).to.equal(false));

  it('doubles the delay up to the cap, with jitter between half and all of it', () => {
    const low = (n: number) => backoffDelay(n, { baseMs: 100, capMs: 1000, random: () => 0 });
    const high = (n: number) =>
      backoffDelay(n, { baseMs: 100, capMs: 1000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 10].map(low)).to.deep.equal([50, 100, 200, 400, 500, 500]);
    expect(high(2)).to.be.closeTo(400, 0.01);
    expect(high(50)).to.be.closeTo(1000, 0.01);
  });
});
