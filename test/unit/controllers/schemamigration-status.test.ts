import { expect } from 'chai';
import { statusFor } from '../../../src/controllers/schemamigration/status.js';

const stamp = { generation: 2, now: new Date('2026-01-02T03:04:05.678Z') };
const plan = {
  applied: 1,
  pending: 0,
  changed: 0,
  missing: 0,
  pendingVersions: [],
  appliedVersion: '001',
  targetVersion: '001',
};
const cond = (s: { conditions?: { type: string }[] }, type: string) =>
  s.conditions?.find((c) => c.type === type);

describe('schemamigration/status', () => {
  it('starts with every condition Unknown, stamped with the generation and time given once', () => {
    const st = statusFor(undefined, stamp);
    expect(st.status.conditions!.map((c) => c.type)).to.deep.equal([
      'Applied',
      'Failed',
      'Ready',
      'Reconciling',
      'Stalled',
    ]);
    for (const c of st.status.conditions!)
      expect(c).to.include({
        status: 'Unknown',
        observedGeneration: 2,
        lastTransitionTime: '2026-01-02T03:04:05Z',
      });
  });

  it('a terminal failure stalls, a transient one retries', () => {
    const failure = { reason: 'SQLError', message: 'syntax error' };
    const terminal = statusFor(undefined, stamp);
    terminal.failed({ failure, terminal: true });
    expect(cond(terminal.status, 'Stalled')).to.include({ status: 'True', reason: 'SQLError' });
    const transient = statusFor(undefined, stamp);
    transient.failed({ failure, terminal: false });
    expect(cond(transient.status, 'Reconciling')).to.include({
      status: 'True',
      reason: 'Retrying',
      message: 'retrying: syntax error',
    });
  });

  it('keeps the since of a failure that repeats, and Ready through retrying', () => {
    const st = statusFor(undefined, stamp);
    st.applied(plan);
    const failure = { reason: 'ConnectionError', message: 'refused' };
    st.retrying({ failure });
    expect(cond(st.status, 'Ready')).to.include({ status: 'True' });
    st.failed({ failure, terminal: false });
    const since = st.status.failure!.since;
    const later = statusFor(st.status, { ...stamp, now: new Date('2026-02-01T00:00:00Z') });
    later.failed({ failure, terminal: false });
    expect(later.status.failure!.since).to.equal(since);
  });

  it('applied clears the failure and records the generation', () => {
    const st = statusFor({ failure: { reason: 'X', message: 'y', since: 'z' } }, stamp);
    st.applied(plan);
    expect(st.status.failure).to.equal(undefined);
    expect(st.status).to.include({
      phase: 'Applied',
      observedGeneration: 2,
      appliedVersion: '001',
    });
  });
});
