import { expect } from 'chai';
import {
  clientConfig,
  IsolatedClient,
  InvalidDatabaseUrlError,
  parseDatabaseUrl,
} from '../../../src/engine/index.js';
import { effectiveSslMode, sslOptions } from '../../../src/engine/pg-config.js';

const PEM = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----`;
const tls = { ca: PEM('CERTIFICATE'), cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') };
const settings = { applicationName: 'test', connectTimeoutMs: 1000 };

describe('the pg configuration of a parsed URL', () => {
  it('sets every field pg would otherwise look up, and no connection string', async () => {
    const c = clientConfig(parseDatabaseUrl('postgres://u:pw@db:5433/app'), undefined, settings);
    expect(c).to.include({ host: 'db', port: 5433, user: 'u', database: 'app', ssl: false });
    expect(c).not.to.have.property('connectionString');
    // A function, so pg never falls back to a password file; an empty password stays empty.
    expect(await (c.password as () => Promise<string>)()).to.equal('pw');
    const none = clientConfig(parseDatabaseUrl('postgres://u@db/app'), undefined, settings);
    expect(await (none.password as () => Promise<string>)()).to.equal('');
  });

  it("takes connect_timeout from the URL over the caller's default", () => {
    const c = clientConfig(parseDatabaseUrl('postgres://u@h/d?connect_timeout=3'), {}, settings);
    expect(c.connectionTimeoutMillis).to.equal(3000);
  });

  const modes: Array<[string, object | undefined, string]> = [
    ['postgres://u@h/d', undefined, 'disable'],
    ['postgres://u@h/d', { ca: tls.ca }, 'verify-full'],
    ['postgres://u@h/d?sslmode=disable', { ca: tls.ca }, 'disable'],
    ['postgres://u@h/d?sslmode=require', undefined, 'require'],
  ];
  for (const [url, material, mode] of modes)
    it(`uses ${mode} for ${url} with ${material ? 'a CA' : 'no TLS keys'}`, () =>
      expect(effectiveSslMode(parseDatabaseUrl(url), material)).to.equal(mode));

  it('passes TLS material as data, never as paths', () => {
    const ssl = sslOptions(parseDatabaseUrl('postgres://u@db.example/d?sslmode=verify-full'), tls);
    expect(ssl).to.include({
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      rejectUnauthorized: true,
      servername: 'db.example',
    });
  });

  it('checks the chain but not the name with verify-ca, and nothing with require', () => {
    const ca = sslOptions(parseDatabaseUrl('postgres://u@h/d?sslmode=verify-ca'), tls);
    expect(ca).to.include({ rejectUnauthorized: true });
    expect((ca as { checkServerIdentity: () => unknown }).checkServerIdentity()).to.equal(
      undefined,
    );
    expect(sslOptions(parseDatabaseUrl('postgres://u@h/d?sslmode=require'))).to.include({
      rejectUnauthorized: false,
    });
  });

  it('refuses a certificate without its key, and material that is not PEM', () => {
    const t = parseDatabaseUrl('postgres://u@h/d?sslmode=require');
    expect(() => sslOptions(t, { cert: tls.cert })).to.throw(InvalidDatabaseUrlError, /tls.key/);
    expect(() => sslOptions(t, { ca: '/etc/ssl/ca.pem' })).to.throw(
      InvalidDatabaseUrlError,
      /"ca.crt" is not PEM/,
    );
  });
});

describe('IsolatedClient', () => {
  const vars = {
    PGHOST: '/var/run/postgresql',
    PGOPTIONS: '-c statement_timeout=0',
    PGSSLMODE: 'no-verify',
    PGREPLICATION: 'database',
    PGPASSFILE: '/nonexistent/pgpass',
    PGAPPNAME: 'from-env',
    PGCLIENT_ENCODING: 'LATIN1',
  };
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('takes nothing from PG* variables, and leaves them as they were', () => {
    const config = clientConfig(parseDatabaseUrl('postgres://u@db/app'), undefined, settings);
    const c = new IsolatedClient(config) as unknown as {
      connectionParameters: Record<string, unknown>;
    };
    const p = c.connectionParameters;
    expect(p.host).to.equal('db');
    expect(p.ssl).to.equal(false);
    for (const field of ['options', 'replication', 'client_encoding'])
      expect(Boolean(p[field]), field).to.equal(false);
    expect(p.application_name).to.equal('test');
    expect(process.env).to.include(vars);
  });
});
