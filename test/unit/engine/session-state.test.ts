import { expect } from 'chai';
import { isSessionSetting, isTransientCursor } from '../../../src/engine/session-state.js';

describe('isSessionSetting', () => {
  const cases: [string, boolean][] = [
    ['SET search_path = app', true],
    ['set session statement_timeout = 0', true],
    ['SET ROLE app_owner', true],
    ['SET SESSION AUTHORIZATION app_owner', true],
    ['SET TIME ZONE UTC', true],
    ['RESET ROLE', true],
    ['SET LOCAL search_path = app', false],
    ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', false],
    ['SET CONSTRAINTS ALL DEFERRED', false],
    ['-- SET search_path = app\nSELECT 1', false],
    ['CREATE TABLE set (id int)', false],
  ];
  for (const [text, expected] of cases) {
    it(`${text.replace(/\n/g, ' ')} -> ${expected}`, () =>
      expect(isSessionSetting(text)).to.equal(expected));
  }
});

describe('isTransientCursor', () => {
  const cases: [string, boolean][] = [
    ['DECLARE c CURSOR FOR SELECT 1', true],
    ['DECLARE c BINARY NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1', true],
    ['declare c cursor with hold for select 1', false],
    ['DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT 1', false],
    ['DO $$ DECLARE c CURSOR FOR SELECT 1; BEGIN END $$', false],
    ['SELECT 1', false],
  ];
  for (const [text, expected] of cases) {
    it(`${text} -> ${expected}`, () => expect(isTransientCursor(text)).to.equal(expected));
  }
});
