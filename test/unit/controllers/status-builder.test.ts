import { expect } from 'chai';
import type { Condition } from '../../../src/api/index.js';
import {
  StatusBuilder,
  type ConditionValue,
  type StatusStamp,
} from '../../../src/controllers/status-builder.js';

interface DemoStatus {
  conditions?: Condition[];
  phase?: string;
  note?: { deep: string[] };
}

/** The smallest kind: two conditions and one setter. */
class DemoStatusBuilder extends StatusBuilder<DemoStatus> {
  constructor(old: DemoStatus | undefined, stamp: StatusStamp) {
    super(old, stamp, ['Ready', 'Stalled']);
  }
  mark(type: string, c: ConditionValue): void {
    this.set(type, c);
  }
}

const t0 = new Date('2026-01-01T00:00:00.900Z');
const t1 = new Date('2026-01-01T00:05:00Z');

describe('controllers/status-builder', () => {
  it("adds the kind's conditions as Unknown on the first visit, with a Pending phase", () => {
    const b = new DemoStatusBuilder(undefined, { generation: 3, now: t0 });
    expect(b.status.phase).to.equal('Pending');
    expect(b.status.conditions).to.deep.equal([
      {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Reconciling',
        message: '',
        observedGeneration: 3,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
      {
        type: 'Stalled',
        status: 'Unknown',
        reason: 'Reconciling',
        message: '',
        observedGeneration: 3,
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ]);
  });

  it('changes a deep copy: the stored status is never touched', () => {
    const old: DemoStatus = { phase: 'Active', note: { deep: ['a'] }, conditions: [] };
    const b = new DemoStatusBuilder(old, { generation: 1, now: t0 });
    b.status.note!.deep.push('b');
    b.mark('Ready', { status: 'True', reason: 'Done' });
    expect(old).to.deep.equal({ phase: 'Active', note: { deep: ['a'] }, conditions: [] });
    expect(b.status.phase).to.equal('Active');
  });

  it('stamps every set with the generation and time bound once, keeping lastTransitionTime while the status holds', () => {
    const first = new DemoStatusBuilder(undefined, { generation: 1, now: t0 });
    first.mark('Ready', { status: 'True', reason: 'Done', message: 'ok' });
    const again = new DemoStatusBuilder(first.status, { generation: 2, now: t1 });
    again.mark('Ready', { status: 'True', reason: 'Done', message: 'still ok' });
    again.mark('Stalled', { status: 'True', reason: 'Stuck' });
    const [ready, stalled] = again.status.conditions!;
    expect(ready).to.include({
      observedGeneration: 2,
      message: 'still ok',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    });
    expect(stalled).to.include({
      status: 'True',
      message: '',
      lastTransitionTime: '2026-01-01T00:05:00Z',
    });
  });
});
