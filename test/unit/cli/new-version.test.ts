import { expect } from 'chai';
import { NextVersionError, nextVersion, styleOf } from '../../../src/cli/new-version.js';

const NOON = new Date('2026-12-07T12:00:05Z');

describe('new: the next version', () => {
  const cases: Array<[string, string[], string]> = [
    ['an empty set starts at 001', [], '001'],
    ['a padded sequence keeps its width', ['009', '010'], '011'],
    ['a padded sequence grows past its width only when it must', ['099'], '100'],
    ['a bare sequence stays bare', ['1'], '2'],
    ['the highest counts, not the last listed', ['003', '010', '002'], '011'],
    ['the highest sets the width', ['9', '010'], '011'],
    ['a dotted set bumps its last part, keeping its width', ['1.9', '1.10'], '1.11'],
    ['a dotted set with padded parts stays padded', ['2.09'], '2.10'],
    ['a timestamp set gets the clock, to the second', ['20261101093000'], '20261207120005'],
    ['a minute-timestamp set gets the clock to the minute', ['202611010930'], '202612071200'],
    [
      'a timestamp set whose newest is ahead of the clock gets one past it',
      ['20301231235959'],
      '20301231235960',
    ],
    ['a file made in the same second gets the next number', ['20261207120005'], '20261207120006'],
    ['a long number that is no date is a sequence', ['99999999999999'], '100000000000000'],
  ];
  for (const [what, versions, next] of cases) {
    it(what, () => expect(nextVersion({ versions, now: NOON })).to.equal(next));
  }

  it('numbers an empty set with a timestamp when asked', () =>
    expect(nextVersion({ versions: [], now: NOON, timestamp: true })).to.equal('20261207120005'));

  it('keeps timestamps when asked for one in a timestamp set', () =>
    expect(nextVersion({ versions: ['20261101093000'], now: NOON, timestamp: true })).to.equal(
      '20261207120005',
    ));

  it('refuses a timestamp in a set numbered in sequence (two styles)', () =>
    expect(() => nextVersion({ versions: ['010'], now: NOON, timestamp: true })).to.throw(
      NextVersionError,
      /highest 010.*mix two styles/,
    ));

  it('tells the styles apart', () => {
    expect(styleOf('010')).to.equal('sequence');
    expect(styleOf('1.2')).to.equal('dotted');
    expect(styleOf('20261207120005')).to.equal('timestamp');
    expect(styleOf('20261399120005')).to.equal('sequence');
  });
});
