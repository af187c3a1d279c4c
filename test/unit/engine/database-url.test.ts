import { expect } from 'chai';
import fc from 'fast-check';
import {
  DatabaseHostNotAllowedError,
  InvalidDatabaseUrlError,
  isHostAllowed,
  parseAllowedHosts,
  parseDatabaseUrl,
} from '../../../src/engine/index.js';
import { assertHostAllowed } from '../../../src/engine/database-hosts.js';

/** The error parseDatabaseUrl throws for `url`, or fails the test. */
function refusal(url: string): InvalidDatabaseUrlError {
  try {
    parseDatabaseUrl(url);
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidDatabaseUrlError);
    return err as InvalidDatabaseUrlError;
  }
  expect.fail(`${url} was accepted`);
}

describe('parseDatabaseUrl', () => {
  const accepted: Array<[string, string, object]> = [
    [
      'a full URL',
      'postgres://app:s3cret@db.example.com:6543/orders',
      { host: 'db.example.com', port: 6543, user: 'app', password: 's3cret', database: 'orders' },
    ],
    [
      'the postgresql scheme and default port',
      'postgresql://app@db/orders',
      { host: 'db', port: 5432, user: 'app', password: '', database: 'orders' },
    ],
    ['no database (the user name, as libpq does)', 'postgres://app:p@db', { database: 'app' }],
    [
      'percent-encoded user, password and database',
      'postgres://a%40b:p%2F%23%3F%40%3A@db/my%20db',
      { user: 'a@b', password: 'p/#?@:', database: 'my db' },
    ],
    ['an IPv4 host', 'postgres://u@10.1.2.3/x', { host: '10.1.2.3' }],
    ['an IPv6 host', 'postgres://u@[fd00::1]:5433/x', { host: 'fd00::1', port: 5433 }],
    [
      'an upper-case host, made lower case',
      'postgres://u@DB.Example.COM/x',
      { host: 'db.example.com' },
    ],
    ['sslmode', 'postgres://u@h/x?sslmode=verify-full', { sslmode: 'verify-full' }],
    [
      'connect_timeout in seconds',
      'postgres://u@h/x?connect_timeout=5',
      { connectTimeoutMs: 5000 },
    ],
    [
      'both parameters',
      'postgres://u@h/x?sslmode=require&connect_timeout=60',
      { sslmode: 'require', connectTimeoutMs: 60_000 },
    ],
  ];
  for (const [what, url, want] of accepted)
    it(`accepts ${what}`, () => expect(parseDatabaseUrl(url)).to.include(want));

  // Each refused parameter is named in the message, without its value.
  const refusedParameters = [
    ['sslcert', '/dev/zero'],
    ['sslkey', '/dev/zero'],
    ['sslrootcert', '/nonexistent'],
    ['sslrootcert', '/etc'],
    ['sslcrl', '/etc/passwd'],
    ['sslcrldir', '/etc'],
    ['sslpassword', 'x'],
    ['host', '/var/run/postgresql'],
    ['hostaddr', '127.0.0.1'],
    ['port', '1'],
    ['dbname', 'other'],
    ['user', 'postgres'],
    ['password', 'hunter2'],
    ['passfile', '/root/.pgpass'],
    ['service', 'prod'],
    ['options', '-c statement_timeout=0'],
    ['application_name', 'x'],
    ['replication', 'true'],
    ['target_session_attrs', 'any'],
    ['ssl', 'true'],
    ['uselibpqcompat', 'true'],
  ];
  for (const [name, value] of refusedParameters)
    it(`refuses ${name}=${value}, naming the parameter and not its value`, () => {
      const err = refusal(`postgres://u:pw@h:5432/db?${name}=${encodeURIComponent(value!)}`);
      expect(err.reason).to.equal('InvalidDatabaseURL');
      expect(err.parameter).to.equal(name);
      expect(err.message).to.include(`"${name}"`);
      expect(err.message).not.to.include(value!);
      expect(err.message).not.to.include('pw');
    });

  it('never shows a parameter name that may be the rest of a password after an unencoded ?', () => {
    expect(refusal('postgres://app:12?s3cretword@db/x').message).not.to.include('s3cretword');
    const err = refusal('postgres://app@db/x?s3cret@word');
    expect(err.message).not.to.include('s3cret');
    expect(err.message).to.include('not shown');
  });

  it('keeps a database named "." as written (no dot-segment resolution)', () =>
    expect(parseDatabaseUrl('postgres://u@h/.').database).to.equal('.'));

  it('says where TLS files go instead', () => {
    expect(refusal('postgres://u@h/db?sslrootcert=/x').message).to.include('"ca.crt"');
    expect(refusal('postgres://u@h/db?sslcert=/x').message).to.include('"tls.crt"');
    expect(refusal('postgres://u@h/db?sslkey=/x').message).to.include('"tls.key"');
  });

  const refused: Array<[string, string, RegExp]> = [
    ['another scheme', 'mysql://u:p@h/db', /postgres:\/\//],
    ['no scheme', 'u:p@h/db', /postgres:\/\//],
    ['a unix socket as the host', 'postgres://u@%2Fvar%2Frun%2Fpostgresql/db', /unix socket/],
    ['an empty host', 'postgres://u@:5432/db', /no host|cannot be parsed/],
    ['several hosts', 'postgres://u@h1,h2/db', /several hosts/],
    ['a port out of range', 'postgres://u@h:70000/db', /cannot be parsed/],
    ['port 0', 'postgres://u@h:0/db', /port 0/],
    ['no user', 'postgres://h/db', /no user/],
    ['an unencoded / in the password', 'postgres://u:a/b@h/db', /cannot be parsed/],
    ['an unencoded # in the password', 'postgres://u:a#b@h/db', /cannot be parsed|fragment/],
    ['a fragment', 'postgres://u@h/db#x', /fragment/],
    ['a bad sslmode', 'postgres://u@h/db?sslmode=prefer', /sslmode/],
    ['a bad connect_timeout', 'postgres://u@h/db?connect_timeout=0', /connect_timeout/],
    ['a long connect_timeout', 'postgres://u@h/db?connect_timeout=3600', /connect_timeout/],
    ['a parameter given twice', 'postgres://u@h/db?sslmode=require&sslmode=disable', /twice/],
    ['a malformed escape', 'postgres://u:%zz@h/db', /cannot be parsed|escape/],
    ['a path with two parts', 'postgres://u@h/db/x', /one database/],
  ];
  for (const [what, url, message] of refused)
    it(`refuses ${what}`, () => expect(refusal(url).message).to.match(message));

  it('never puts the password in a message, whatever the URL (property)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{12,20}$/),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        (password, before, after) => {
          const url = `postgres://${before}:${password}@${after}`;
          try {
            parseDatabaseUrl(url);
          } catch (err) {
            expect((err as Error).message).not.to.include(password);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads back what it is given, for any user, password and database (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 20 }).filter((d) => !d.includes('/')),
        fc.integer({ min: 1, max: 65535 }),
        (user, password, database, port) => {
          const e = encodeURIComponent;
          const t = parseDatabaseUrl(
            `postgresql://${e(user)}:${e(password)}@db.example:${port}/${e(database)}`,
          );
          expect(t).to.deep.equal({ host: 'db.example', port, user, password, database });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts no parameter outside the allowlist, whatever its name (property)', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((n) => n !== 'sslmode' && n !== 'connect_timeout'),
        (name) => {
          const err = refusal(`postgres://u@h/db?${encodeURIComponent(name)}=1`);
          expect(err.parameter).to.be.a('string');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('--allowed-database-hosts', () => {
  const allowed = parseAllowedHosts(
    'db.example.com, *.db.svc.cluster.local,10.0.0.0/8,fd00::/8,192.168.1.5',
  );
  const cases: Array<[string, boolean]> = [
    ['db.example.com', true],
    ['other.example.com', false],
    ['example.com', false],
    ['pg.team-a.db.svc.cluster.local', true],
    ['db.svc.cluster.local', false],
    ['evildb.svc.cluster.local', false],
    ['10.1.2.3', true],
    ['11.1.2.3', false],
    ['127.0.0.1', false],
    ['192.168.1.5', true],
    ['192.168.1.6', false],
    ['fd00::1', true],
    ['::1', false],
  ];
  for (const [host, ok] of cases)
    it(`${ok ? 'allows' : 'refuses'} ${host}`, () =>
      expect(isHostAllowed(allowed, host)).to.equal(ok));

  it('allows every host when not set', () =>
    expect(isHostAllowed(undefined, '127.0.0.1')).to.equal(true));

  it('throws an error naming the host', () => {
    expect(() => assertHostAllowed(allowed, '127.0.0.1'))
      .to.throw(DatabaseHostNotAllowedError)
      .with.property('reason', 'DatabaseHostNotAllowed');
  });

  for (const bad of ['10.0.0.0/33', 'exa mple.com', '*', '*.', 'http://x', ''])
    it(`refuses the entry ${JSON.stringify(bad)}`, () =>
      expect(() => parseAllowedHosts(bad)).to.throw(/--allowed-database-hosts/));
});
