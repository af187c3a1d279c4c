import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { bundledDir } from '../../../src/engine/bundled.js';
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

/** The regular-expression normalization the checksums of existing databases were made with. */
function oldNormalizeSql(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v]+$/, ''))
    .join('\n')
    .replace(/\s+$/, '');
}

describe('normalizeSql compared with the regular expressions it replaced', () => {
  // Short runs of every kind of blank, line end and Unicode space, so the
  // old backtracking code finishes; texts are made of these pieces.
  const piece = fc.oneof(
    fc.constantFrom(
      ' ',
      '\t',
      '\f',
      '\v',
      '\r',
      '\n',
      '\r\n',
      '\uFEFF',
      '\u00A0',
      '\u1680',
      '\u2000',
      '\u200A',
      '\u2028',
      '\u2029',
      '\u202F',
      '\u205F',
      '\u3000',
      '\u0085',
      '\u180E',
      'SELECT 1;',
      '--',
      "'",
      'é',
      'x',
    ),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  );
  const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

  it('gives the same text for any mix of blanks, line ends and words', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(normalizeSql(t)).to.equal(oldNormalizeSql(t));
      }),
      { numRuns: 5000 },
    );
  });

  it('takes the shortcut for a text already normalized, and only for one', () => {
    // Each differs from a normalized text by one thing the full pass changes.
    const almost = [
      'SELECT 1;\nSELECT 2;',
      '\uFEFFSELECT 1;',
      'SELECT 1;\r\nSELECT 2;',
      'SELECT 1;\rSELECT 2;',
      'SELECT 1; \nSELECT 2;',
      'SELECT 1;\t\nSELECT 2;',
      'SELECT 1;\f\nSELECT 2;',
      'SELECT 1;\v\nSELECT 2;',
      'SELECT 1;\n',
      'SELECT 1;\u00A0',
      'SELECT 1;\u2028',
      'SELECT 1;\uFEFF',
      'SELECT 1;\u00A0\nSELECT 2;',
      '',
      ' ',
    ];
    for (const t of almost) expect(normalizeSql(t), JSON.stringify(t)).to.equal(oldNormalizeSql(t));
    const normalized = 'SELECT 1;\n\nSELECT 2; -- x';
    expect(normalizeSql(normalized)).to.equal(normalized);
  });

  it('trims exactly what \\s trims at the end, for every UTF-16 code unit', () => {
    for (let c = 0; c <= 0xffff; c++) {
      const t = 'a' + String.fromCharCode(c) + ' ';
      expect(normalizeSql(t), `U+${c.toString(16)}`).to.equal(oldNormalizeSql(t));
    }
  });

  // The bundled set's checksums as the regular expressions computed them:
  // databases migrated before the rewrite hold these.
  const bundledChecksums: Array<[string, string]> = [
    [
      '001_core_schema.sql',
      'sha256:10b037ed6e4989a1ccecc7e46429ca2ca9c0c5ca7fd28ea69af11c7882046522',
    ],
    [
      '002_session_agents.sql',
      'sha256:bb18b484aafed33aa406e1c77e257f6090bda8118db1b1eb1298e73e456be868',
    ],
    [
      '003_agent_clusters.sql',
      'sha256:89da20b9e103dbe9290d4106afc33822e22a9dcad60e3dd965fdcfcb078f2134',
    ],
    [
      '004_agent_commands_updated_at.sql',
      'sha256:9043ee9682de6504eadcf4f90698dcb5a8e7e963ef17723e0f2a54b6065122b1',
    ],
    [
      '005_agent_api_keys.sql',
      'sha256:c95f6de48fe3e5485ad2057e8ea963132dc95a570a1008d39f968a0b3bcaa889',
    ],
    [
      '006_organizations.sql',
      'sha256:279e819ffe70ce65ffff872adaf7071f3abb69497e84285c5edcb0d1b1b0e6d5',
    ],
    [
      '007_session_termination.sql',
      'sha256:0f4e2c20b4327f7ffcb8043850e7f2c44799abb9378394dfaec694839ac45309',
    ],
    [
      '008_session_streaming.sql',
      'sha256:86ca8d437208ce438dd41951078dc5e68f9a4376e7fa09b4ff9ad8d13d588ec8',
    ],
    [
      '009_agent_approval.sql',
      'sha256:564b57cfaad7d3c9d456c94c524f391c33215decc32a51d9c1797bc075530b08',
    ],
    [
      '010_users_org_role.sql',
      'sha256:9fbf352084f83c638aef529f022c0149b7c90eb53aefcead5d7420e52e2e1cde',
    ],
  ];
  for (const [file, sum] of bundledChecksums) {
    it(`keeps the checksum of the bundled ${file}`, () => {
      const text = readFileSync(join(bundledDir('streamspace'), file), 'utf8');
      expect(checksum(text)).to.equal(sum);
    });
  }
});
