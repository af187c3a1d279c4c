import { expect } from 'chai';
import { REDACTED, redactString, redactUrl } from '../../../src/observability/redact.js';

/** Passwords a URL parser misreads when they are not percent-encoded. */
const awkward: Array<[string, string]> = [
  ['a slash', 'pa/ss'],
  ['a leading digit and a slash (read as a port and a path)', '12/34'],
  ['a hash (read as a fragment)', 'pa#ss'],
  ['a digit and a hash', '5432#x'],
  ['a question mark (read as a query)', 'pa?ss=1'],
  ['a second @', 'pa@ss'],
  ['a colon', 'pa:ss'],
  ['every one of them', 'a/b#c?d@e:f'],
];

describe('redaction of database URLs', () => {
  describe('redactString (log lines)', () => {
    for (const [what, password] of awkward) {
      it(`masks a password with ${what}`, () => {
        const line = `cannot connect to postgres://app:${password}@db.example:5432/x?sslmode=require: refused`;
        const out = redactString(line);
        expect(out).to.equal(
          `cannot connect to postgres://app:${REDACTED}@db.example:5432/x?sslmode=require: refused`,
        );
        expect(out).not.to.include(password);
      });
    }

    const cases: Array<[string, string, string]> = [
      [
        'a password= query parameter',
        'postgres://u@h/db?password=hunter2&sslmode=disable',
        `postgres://u@h/db?password=${REDACTED}&sslmode=disable`,
      ],
      [
        'two URLs on one line',
        'a postgres://u:p1@h/db b postgresql://v:p2@k/e',
        `a postgres://u:${REDACTED}@h/db b postgresql://v:${REDACTED}@k/e`,
      ],
      [
        'two URLs with no space between them',
        'postgres://u:p1@h/db,postgres://v:p2@k/e',
        `postgres://u:${REDACTED}@h/db,postgres://v:${REDACTED}@k/e`,
      ],
      ['a URL in quotes', '"postgres://u:p/1@h/db"', `"postgres://u:${REDACTED}@h/db"`],
      ['a URL without a password', 'postgres://u@h/db', 'postgres://u@h/db'],
      ['a URL without user information', 'postgres://h:5432/db', 'postgres://h:5432/db'],
      [
        'a DSN',
        'host=h user=u password=hunter2 dbname=d',
        `host=h user=u password=${REDACTED} dbname=d`,
      ],
    ];
    for (const [what, input, want] of cases)
      it(`handles ${what}`, () => expect(redactString(input)).to.equal(want));

    it('masks too much rather than too little when the query holds an @', () => {
      const out = redactString('postgres://u:secret@h/db?application_name=a@b');
      expect(out).not.to.include('secret');
    });
  });

  describe('redactUrl (messages and status)', () => {
    for (const [what, password] of awkward) {
      it(`drops a password with ${what}`, () => {
        const out = redactUrl(`postgresql://app:${password}@db:6543/x`);
        expect(out).to.equal('postgresql://app@db:6543/x');
      });
    }

    const cases: Array<[string, string, string]> = [
      [
        'a plain URL',
        'postgres://u:p@h:5432/db?sslmode=require',
        'postgres://u@h:5432/db?sslmode=require',
      ],
      [
        'a password= query parameter',
        'postgres://u@h/db?password=hunter2',
        `postgres://u@h/db?password=${REDACTED}`,
      ],
      [
        'an uppercase PASSWORD= parameter',
        'postgres://u@h/db?PASSWORD=hunter2',
        `postgres://u@h/db?PASSWORD=${REDACTED}`,
      ],
      ['a percent-encoded password', 'postgres://u:p%40ss@h/db', 'postgres://u@h/db'],
      ['no password', 'postgres://u@h/db', 'postgres://u@h/db'],
      ['surrounding whitespace', ' postgres://u:p@h/db\n', 'postgres://u@h/db'],
    ];
    for (const [what, input, want] of cases)
      it(`handles ${what}`, () => expect(redactUrl(input)).to.equal(want));

    it('cuts a very long URL', () => {
      const out = redactUrl(`postgres://u:p@h/${'d'.repeat(10_000)}`);
      expect(out.length).to.be.below(300);
      expect(out).to.match(/^postgres:\/\/u@h\/d+\.\.\.$/);
    });

    it('never throws and never returns a password, whatever the input', () => {
      for (const input of [
        '',
        'not a url',
        'postgres://',
        'postgres://:@',
        '://u:p@h',
        'postgres://u:p@',
      ])
        expect(() => redactUrl(input)).not.to.throw();
      expect(redactUrl('postgres://u:p@')).to.equal('postgres://u@');
    });
  });
});
