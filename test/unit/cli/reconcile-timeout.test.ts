import { expect } from 'chai';
import { reconcileTimeoutFlag } from '../../../src/cli/run-command.js';
import { UsageError } from '../../../src/cli/exit-codes.js';

describe('run --reconcile-timeout', () => {
  it('takes a duration above 0 and at most 24h', () => {
    expect(reconcileTimeoutFlag('1h')).to.equal(3_600_000);
    expect(reconcileTimeoutFlag('24h')).to.equal(86_400_000);
    expect(reconcileTimeoutFlag('500ms')).to.equal(500);
  });

  for (const bad of ['0s', '25h', '600h', 'forever']) {
    it(`refuses "${bad}" as a usage error naming the flag`, () => {
      expect(() => reconcileTimeoutFlag(bad)).to.throw(UsageError, /--reconcile-timeout/);
    });
  }
});
