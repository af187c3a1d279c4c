import { expect } from 'chai';
import { Command } from 'commander';
import { UsageError } from '../../../src/cli/exit-codes.js';
import {
  countFlag,
  databaseFlags,
  databaseUrl,
  durationFlag,
  ledgerTable,
  runFlags,
  versionFlag,
} from '../../../src/cli/flags.js';
import { DEFAULT_LEDGER, DEFAULTS } from '../../../src/engine/index.js';

/** Parses `args` with the database and run flags, as a command would. */
function parse(args: string[], env: Record<string, string> = {}) {
  const saved = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  Object.assign(process.env, env);
  try {
    const cmd = runFlags(databaseFlags(new Command('x').exitOverride()));
    cmd.parse(args, { from: 'user' });
    return cmd.opts();
  } finally {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  }
}

describe('CLI flags', () => {
  describe('defaults and sources', () => {
    it('fills the ledger table and timeouts from the engine defaults', () => {
      const o = parse([]);
      expect(o.historyTable).to.equal(`${DEFAULT_LEDGER.schema}.${DEFAULT_LEDGER.name}`);
      expect(durationFlag('lock-timeout', o.lockTimeout)).to.equal(DEFAULTS.lockTimeoutMs);
      expect(durationFlag('lock-wait', o.lockWait)).to.equal(DEFAULTS.lockWaitMs);
      expect(durationFlag('statement-timeout', o.statementTimeout)).to.equal(30 * 60_000);
      expect(countFlag('max-retries', o.maxRetries)).to.equal(DEFAULTS.maxRetries);
      expect(o.json).to.equal(undefined);
    });

    it('reads the database URL from DATABASE_URL when the flag is absent', () =>
      expect(parse([], { DATABASE_URL: 'postgres://env/db' }).databaseUrl).to.equal(
        'postgres://env/db',
      ));

    it('prefers --database-url over DATABASE_URL', () =>
      expect(
        parse(['--database-url', 'postgres://flag/db'], { DATABASE_URL: 'postgres://env/db' })
          .databaseUrl,
      ).to.equal('postgres://flag/db'));
  });

  describe('databaseUrl', () => {
    it('returns a URL the operator would accept unchanged', () =>
      expect(databaseUrl({ databaseUrl: 'postgres://u:p@db:5432/app?sslmode=require' })).to.equal(
        'postgres://u:p@db:5432/app?sslmode=require',
      ));

    it('asks for a database when none is given', () =>
      expect(() => databaseUrl({})).to.throw(UsageError, /--database-url or set DATABASE_URL/));

    it('refuses a URL the operator would refuse, naming the flag', () =>
      expect(() => databaseUrl({ databaseUrl: 'mysql://db/app' })).to.throw(
        UsageError,
        /^--database-url: /,
      ));
  });

  describe('ledgerTable', () => {
    it('splits schema.name', () =>
      expect(ledgerTable('ops.history')).to.deep.equal({ schema: 'ops', name: 'history' }));
    it('puts a bare name in public', () =>
      expect(ledgerTable('history')).to.deep.equal({ schema: 'public', name: 'history' }));
    for (const bad of ['a.b.c', 'x-y', '1abc', '', 'ops.', '"q".t'])
      it(`refuses "${bad}"`, () =>
        expect(() => ledgerTable(bad)).to.throw(UsageError, /--history-table/));
  });

  describe('durationFlag', () => {
    it('reads compound durations in milliseconds', () =>
      expect(durationFlag('lock-wait', '1h30m5s')).to.equal(5_405_000));
    it('names the flag when the value is not a duration', () =>
      expect(() => durationFlag('lock-wait', '10')).to.throw(UsageError, /^--lock-wait: /));
  });

  describe('versionFlag', () => {
    it('passes a version and an absent flag through', () => {
      expect(versionFlag('target', '1.2')).to.equal('1.2');
      expect(versionFlag('target', undefined)).to.equal(undefined);
    });
    it('refuses what is not a version', () =>
      expect(() => versionFlag('target', 'v2')).to.throw(UsageError, /--target "v2" is not a/));
  });

  describe('countFlag', () => {
    it('reads a whole number', () => expect(countFlag('max-retries', '0')).to.equal(0));
    for (const bad of ['-1', '1.5', 'ten', ''])
      it(`refuses "${bad}"`, () =>
        expect(() => countFlag('max-retries', bad)).to.throw(UsageError, /--max-retries/));
  });
});
