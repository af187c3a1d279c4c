import { expect } from 'chai';
import { quantityValue, sameQuantity } from '../../../src/controllers/organization/quantity.js';
import { sameContent } from '../../../src/controllers/organization/same-content.js';

describe('organization/quantity', () => {
  const equal: Array<[unknown, unknown]> = [
    ['1Gi', '1024Mi'],
    ['1', '1000m'],
    [20, '20'],
    ['1k', '1000'],
    ['0.5', '500m'],
    ['1e3', '1k'],
  ];
  for (const [a, b] of equal)
    it(`takes ${JSON.stringify(a)} and ${JSON.stringify(b)} for the same quantity`, () => {
      expect(sameQuantity(a, b)).to.equal(true);
    });

  it('tells different quantities apart', () => {
    expect(sameQuantity('1Gi', '1G')).to.equal(false);
    expect(sameQuantity('2', '20')).to.equal(false);
  });

  it('does not take words for quantities', () => {
    expect(quantityValue('TCP')).to.equal(undefined);
    expect(sameQuantity('abc', 'abc')).to.equal(false);
  });

  it('compares nested objects and lists by value, quantities included', () => {
    expect(sameContent({ a: [{ cpu: '1000m' }] }, { a: [{ cpu: '1' }] })).to.equal(true);
    expect(sameContent({ a: [{ cpu: '1' }] }, { a: [{ cpu: '1' }, {}] })).to.equal(false);
    expect(sameContent({ a: 'x' }, { a: 'x', b: 'y' })).to.equal(false);
    expect(sameContent('restricted', 'restricted')).to.equal(true);
  });
});
