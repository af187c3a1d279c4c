import { expect } from 'chai';
import { queryFlag } from '../../../src/devcluster/query.js';

describe('devcluster boolean query parameters', () => {
  it('are false when absent, 0 or any spelling of false', () => {
    for (const v of [null, undefined, '0', 'false', 'False', 'FALSE'])
      expect(queryFlag(v), String(v)).to.equal(false);
  });

  it('are true for every other value, the empty string and True included', () => {
    for (const v of ['true', 'True', '1', '', 'yes']) expect(queryFlag(v), v).to.equal(true);
  });
});
