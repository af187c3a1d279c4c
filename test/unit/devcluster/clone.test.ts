import { expect } from 'chai';
import { clone } from '../../../src/devcluster/object.js';

describe('devcluster clone', () => {
  const samples: Array<[string, unknown]> = [
    ['a primitive', 'x'],
    ['null', null],
    ['a nested object', { a: { b: [1, { c: 'd' }], e: null, f: true }, g: 1.5 }],
    ['an object with an undefined property', { a: undefined, b: 1 }],
    ['integer-like keys in their order', { b: 1, 2: 'two', a: 0, 1: 'one' }],
    ['a parsed __proto__ key', JSON.parse('{"__proto__": {"x": 1}, "y": 2}')],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: [1] })],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a Date inside', { at: new Date(0) }],
  ];
  for (const [name, value] of samples) {
    it(`copies ${name} as structuredClone does`, () => {
      const copy = clone(value);
      expect(copy).to.deep.equal(structuredClone(value));
      if (typeof value === 'object' && value !== null) {
        expect(copy).not.to.equal(value);
        expect(Object.getPrototypeOf(copy)).to.equal(Object.getPrototypeOf(structuredClone(value)));
        expect(Object.keys(copy as object)).to.deep.equal(Object.keys(value));
      }
    });
  }

  it('shares nothing with the original', () => {
    const value = { a: { b: [{ c: 1 }] } };
    const copy = clone(value);
    copy.a.b[0]!.c = 2;
    expect(value.a.b[0]!.c).to.equal(1);
  });

  it('refuses a function as structuredClone does', () => {
    expect(() => clone({ f: () => 1 })).to.throw(/could not be cloned/);
  });
});
