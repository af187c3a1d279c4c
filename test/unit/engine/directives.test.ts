import { expect } from 'chai';
import { parseDirectives } from '../../../src/engine/directives.js';
import { InvalidSourceError } from '../../../src/engine/errors.js';

describe('directives', () => {
  it('default to a transaction and the run timeouts', () => {
    expect(parseDirectives('SELECT 1', 'f.sql')).to.deep.equal({
      transactional: true,
      contract: false,
    });
  });

  it('read no-transaction and timeouts from the opening comment lines', () => {
    const sql =
      '-- adds an index\n-- schema-operator: no-transaction\n--schema-operator: lock-timeout=2s statement-timeout=1h\n\nSELECT 1';
    expect(parseDirectives(sql, 'f.sql')).to.deep.equal({
      transactional: false,
      contract: false,
      lockTimeoutMs: 2000,
      statementTimeoutMs: 3_600_000,
    });
  });

  it('read contract, alone or beside other directives', () => {
    expect(parseDirectives('-- schema-operator: contract\nSELECT 1', 'f.sql').contract).to.equal(
      true,
    );
    const d = parseDirectives('-- schema-operator: no-transaction contract\nSELECT 1', 'f.sql');
    expect(d).to.deep.include({ transactional: false, contract: true });
  });

  it('accept timeouts of exactly 24h', () => {
    const d = parseDirectives(
      '-- schema-operator: statement-timeout=24h lock-timeout=1ms\nSELECT 1',
      'f.sql',
    );
    expect(d.statementTimeoutMs).to.equal(24 * 3_600_000);
    expect(d.lockTimeoutMs).to.equal(1);
  });

  it('ignore directive-like comments after the first statement', () => {
    expect(
      parseDirectives('SELECT 1;\n-- schema-operator: no-transaction', 'f.sql').transactional,
    ).to.equal(true);
  });

  const bad: Array<[string, RegExp]> = [
    ['-- schema-operator: no-transactions', /unknown directive "no-transactions"/],
    ['-- schema-operator: lock-timeout', /needs a value/],
    ['-- schema-operator: lock-timeout=5', /not a duration/],
    ['-- schema-operator: no-transaction=yes', /takes no value/],
    ['-- schema-operator: contract=yes', /contract takes no value/],
    ['-- schema-operator: statement-timeout=0s', /statement-timeout: "0s" must be above 0/],
    ['-- schema-operator: lock-timeout=0ms', /lock-timeout: "0ms" must be above 0/],
    ['-- schema-operator: statement-timeout=25h', /longer than the maximum of 24h/],
    ['-- schema-operator: lock-timeout=600h', /longer than the maximum of 24h/],
    ['-- schema-operator: statement-timeout=23h3601s', /longer than the maximum of 24h/],
  ];
  for (const [line, message] of bad) {
    it(`refuse "${line}" naming the file and line`, () => {
      const run = () => parseDirectives(`-- header\n${line}\nSELECT 1`, '007_x.sql');
      expect(run).to.throw(InvalidSourceError, message);
      expect(run).to.throw(/^007_x\.sql:2: /);
    });
  }
});
