import { expect } from 'chai';
import {
  getCondition,
  isConditionTrue,
  loadCrds,
  setCondition,
  type Condition,
  type ConditionUpdate,
} from '../../../src/api/index.js';
import { validate } from '../../support/validate.js';

const T0 = '2026-01-01T00:00:00Z';
const NOW = new Date('2026-01-02T03:04:05.678Z');
const NOW_TEXT = '2026-01-02T03:04:05Z';

const cond = (c: Partial<Condition> & Pick<Condition, 'type'>): Condition => ({
  status: 'True',
  reason: 'Done',
  message: '',
  observedGeneration: 1,
  lastTransitionTime: T0,
  ...c,
});

/** [what, before, update, generation, changed?, after] */
type Case = [string, Condition[], ConditionUpdate, number, boolean, Condition[]];

const cases: Case[] = [
  [
    'appends a new condition with the time of now',
    [cond({ type: 'Applied' })],
    { type: 'Ready', status: 'Unknown', reason: 'Reconciling', message: 'first visit' },
    1,
    true,
    [
      cond({ type: 'Applied' }),
      cond({
        type: 'Ready',
        status: 'Unknown',
        reason: 'Reconciling',
        message: 'first visit',
        lastTransitionTime: NOW_TEXT,
      }),
    ],
  ],
  [
    'changes nothing when nothing differs',
    [cond({ type: 'Ready' })],
    { type: 'Ready', status: 'True', reason: 'Done', message: '' },
    1,
    false,
    [cond({ type: 'Ready' })],
  ],
  [
    'moves lastTransitionTime when the status changes',
    [cond({ type: 'Ready' })],
    { type: 'Ready', status: 'False', reason: 'SQLError', message: 'boom' },
    1,
    true,
    [
      cond({
        type: 'Ready',
        status: 'False',
        reason: 'SQLError',
        message: 'boom',
        lastTransitionTime: NOW_TEXT,
      }),
    ],
  ],
  [
    'keeps lastTransitionTime when only the reason and message change',
    [cond({ type: 'Failed', status: 'True', reason: 'LockBusy', message: 'held by pid 1' })],
    { type: 'Failed', status: 'True', reason: 'LockTimeout', message: 'lock timeout' },
    1,
    true,
    [cond({ type: 'Failed', status: 'True', reason: 'LockTimeout', message: 'lock timeout' })],
  ],
  [
    'keeps lastTransitionTime when only observedGeneration changes',
    [cond({ type: 'Ready' })],
    { type: 'Ready', status: 'True', reason: 'Done', message: '' },
    2,
    true,
    [cond({ type: 'Ready', observedGeneration: 2 })],
  ],
  [
    'updates a condition in place, keeping the order of the others',
    [
      cond({ type: 'Applied' }),
      cond({ type: 'Ready' }),
      cond({ type: 'Stalled', status: 'False' }),
    ],
    { type: 'Ready', status: 'False', reason: 'NotApplied', message: '' },
    1,
    true,
    [
      cond({ type: 'Applied' }),
      cond({ type: 'Ready', status: 'False', reason: 'NotApplied', lastTransitionTime: NOW_TEXT }),
      cond({ type: 'Stalled', status: 'False' }),
    ],
  ],
  [
    'appends to an empty list',
    [],
    { type: 'Reconciling', status: 'True', reason: 'Applying', message: '' },
    4,
    true,
    [
      cond({
        type: 'Reconciling',
        reason: 'Applying',
        observedGeneration: 4,
        lastTransitionTime: NOW_TEXT,
      }),
    ],
  ],
];

describe('setCondition', () => {
  for (const [what, before, update, generation, changed, after] of cases) {
    it(`${what}`, () => {
      const list = structuredClone(before);
      expect(setCondition(list, update, generation, NOW)).to.equal(changed);
      expect(list).to.deep.equal(after);
    });
  }

  it('writes conditions the CRD status schema accepts', async () => {
    const [crd] = await loadCrds();
    const statusSchema = crd!.spec.versions[0]!.schema.openAPIV3Schema.properties!.status!;
    const conditions: Condition[] = [];
    setCondition(
      conditions,
      { type: 'Ready', status: 'Unknown', reason: 'Reconciling', message: '' },
      1,
      NOW,
    );
    setCondition(
      conditions,
      { type: 'Failed', status: 'False', reason: 'Applied', message: 'ok' },
      1,
      NOW,
    );
    expect(
      validate(statusSchema, { observedGeneration: 1, phase: 'Pending', conditions }),
    ).to.deep.equal([]);
  });
});

describe('reading conditions', () => {
  const list = [
    cond({ type: 'Ready', observedGeneration: 2 }),
    cond({ type: 'Stalled', status: 'False' }),
    cond({ type: 'Applied', status: 'Unknown' }),
  ];

  it('finds a condition by type', () =>
    expect(getCondition(list, 'Stalled')?.status).to.equal('False'));
  it('finds nothing in a missing list', () =>
    expect(getCondition(undefined, 'Ready')).to.equal(undefined));

  const truth: Array<[string, string, number | undefined, boolean]> = [
    ['a True condition is true', 'Ready', undefined, true],
    ['a True condition for this generation is true', 'Ready', 2, true],
    ['a True condition for an older generation is not', 'Ready', 3, false],
    ['a False condition is not true', 'Stalled', undefined, false],
    ['an Unknown condition is not true', 'Applied', undefined, false],
    ['a missing condition is not true', 'Reconciling', undefined, false],
  ];
  for (const [what, type, generation, expected] of truth) {
    it(what, () => expect(isConditionTrue(list, type, generation)).to.equal(expected));
  }
});
