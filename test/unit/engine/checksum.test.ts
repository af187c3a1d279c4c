import { expect } from 'chai';
import { checksum, normalizeSql } from '../../../src/engine/checksum.js';

describe('checksums', () => {
  const base = 'CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n';

  it('are sha256 with the algorithm as prefix', () => {
    expect(checksum(base)).to.match(/^sha256:[0-9a-f]{64}$/);
  });

  const same: Array<[string, string]> = [
    ['CRLF line endings', base.replace(/\n/g, '\r\n')],
    ['CR line endings', base.replace(/\n/g, '\r')],
    ['trailing spaces and tabs on lines', base.replace(/\n/g, ' \t\n')],
    ['extra blank lines at the end', base + '\n\n  \n'],
    ['a byte order mark', '\uFEFF' + base],
  ];
  for (const [what, text] of same) {
    it(`do not change with ${what}`, () => expect(checksum(text)).to.equal(checksum(base)));
  }

  const different: Array<[string, string, string]> = [
    ['a changed value', base, base.replace('(1)', '(2)')],
    ['leading indentation', base, base.replace('INSERT', '  INSERT')],
    ['an added comment', base, '-- note\n' + base],
    ['a space inside a line', base, base.replace('id int', 'id  int')],
    ['a removed blank line in the middle', 'a\n\nb', 'a\nb'],
  ];
  for (const [what, before, after] of different) {
    it(`change with ${what}`, () => expect(checksum(after)).to.not.equal(checksum(before)));
  }

  it('normalize to LF lines without trailing blanks', () => {
    expect(normalizeSql('\uFEFFa  \r\nb\t\r\n\r\n')).to.equal('a\nb');
  });
});
