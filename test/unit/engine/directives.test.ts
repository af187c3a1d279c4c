import { expect } from 'chai';
import fc from 'fast-check';
import { parseDirectives, type Directives } from '../../../src/engine/directives.js';
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

  it('count blank and comment lines before a directive in its line number', () => {
    const run = () => parseDirectives('\n\n-- a\n   \n-- schema-operator: bogus', '008_y.sql');
    expect(run).to.throw(/^008_y\.sql:5: unknown directive "bogus"/);
  });

  it('read a directive on the last line, without a line feed after it', () => {
    expect(parseDirectives('-- note\n-- schema-operator: contract', 'f.sql').contract).to.equal(
      true,
    );
  });

  it('read the opening comment lines alone, whatever follows them', () => {
    const line = fc.constantFrom(
      '',
      '  ',
      '-- note',
      '  -- schema-operator: contract',
      '-- schema-operator: no-transaction',
      '--schema-operator:   lock-timeout=2s',
      'SELECT 1;',
      '-- schema-operator: statement-timeout=1h',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const sql = lines.join('\n');
        expect(parseDirectives(sql, 'f.sql')).to.deep.equal(splitEveryLine(sql));
      }),
      { numRuns: 2000 },
    );
  });
});

/** The directives of the opening lines only (blank or comment), cut out by splitting every line. */
function splitEveryLine(sql: string): Directives {
  const opening: string[] = [];
  for (const line of sql.split('\n')) {
    if (line.trim() !== '' && !line.trim().startsWith('--')) break;
    opening.push(line);
  }
  return parseDirectives(opening.join('\n'), 'f.sql');
}
