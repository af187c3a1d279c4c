import { expect } from 'chai';
import { parseDuration } from '../../../src/engine/duration.js';

describe('durations', () => {
  const good: Array<[string, number]> = [
    ['500ms', 500],
    ['5s', 5000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['0s', 0],
  ];
  for (const [text, ms] of good)
    it(`read ${text} as ${ms} ms`, () => expect(parseDuration(text)).to.equal(ms));

  for (const bad of ['', '5', 's', '1.5s', '-1s', '5 s', '1d', '5sec']) {
    it(`refuse "${bad}"`, () => expect(() => parseDuration(bad)).to.throw(/is not a duration/));
  }
});
