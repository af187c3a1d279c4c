import { expect } from 'chai';
import { compareVersions, isVersion, versionKey } from '../../../src/engine/version.js';

describe('versions', () => {
  const ordered: Array<[string, string]> = [
    ['1.9', '1.10'],
    ['001', '002'],
    ['9', '10'],
    ['1', '1.1'],
    ['20261126120000', '20261126120001'],
    ['99999999999999999999', '100000000000000000000'],
  ];
  for (const [a, b] of ordered) {
    it(`sorts ${a} before ${b}`, () => {
      expect(compareVersions(a, b)).to.be.lessThan(0);
      expect(compareVersions(b, a)).to.be.greaterThan(0);
    });
  }

  it('treats 001, 1 and 1.0 as the same version', () => {
    expect(compareVersions('001', '1')).to.equal(0);
    expect(compareVersions('1.0', '1')).to.equal(0);
    expect(versionKey('001')).to.equal(versionKey('1.0'));
  });

  for (const bad of ['', 'v1', '1.', '.1', '1..2', '1_2', '1-2', ' 1']) {
    it(`rejects "${bad}" as a version`, () => expect(isVersion(bad)).to.equal(false));
  }
});
