import { expect } from 'chai';
import { timestamp } from '../../../src/devcluster/object.js';

describe('devcluster timestamp', () => {
  it('formats each time to its second, whatever came before', () => {
    const times = [
      '2026-12-08T00:00:00.999Z',
      '2026-12-08T00:00:00.001Z',
      '2026-12-08T00:00:01.000Z',
    ];
    expect(times.map((t) => timestamp(new Date(t)))).to.deep.equal([
      '2026-12-08T00:00:00Z',
      '2026-12-08T00:00:00Z',
      '2026-12-08T00:00:01Z',
    ]);
    expect(timestamp(new Date('1969-12-31T23:59:59.500Z'))).to.equal('1969-12-31T23:59:59Z');
  });

  it('refuses an invalid date every time', () => {
    expect(() => timestamp(new Date(NaN))).to.throw(RangeError);
    expect(() => timestamp(new Date(NaN))).to.throw(RangeError);
  });
});
