import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  DatabaseHostNotAllowedError,
  InvalidDatabaseUrlError,
  migrate,
  parseAllowedHosts,
} from '../../../src/engine/index.js';
import { connect, withConnection } from '../../../src/engine/connection.js';
import { freshDatabase } from '../../support/pg.js';

/**
 * What a connection takes from outside its URL: nothing. pg reads a
 * password file (PGPASSFILE, ~/.pgpass) when the URL has no password, and
 * `pg.Client({ connectionString })` reads the files sslcert= and friends
 * name; the operator's connections do neither.
 */
describe('connections take nothing but their URL and TLS data', () => {
  let url: string;
  let dir: string;
  let saved: string | undefined;
  before(async () => {
    url = await freshDatabase(18);
    dir = await mkdtemp(join(tmpdir(), 'pgpass-'));
    saved = process.env.PGPASSFILE;
  });
  after(async () => {
    if (saved === undefined) delete process.env.PGPASSFILE;
    else process.env.PGPASSFILE = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a run the TLS data and allowed hosts of its options, as a single connection gets them', async () => {
    const tls = await migrate({ url, migrations: [], tls: { ca: 'not PEM' } }).catch((e) => e);
    expect(tls).to.be.instanceOf(InvalidDatabaseUrlError);
    expect((tls as Error).message).to.match(/ca\.crt/);
    const host = await migrate({
      url,
      migrations: [],
      allowedHosts: parseAllowedHosts('db.example.com'),
    }).catch((e) => e);
    expect(host).to.be.instanceOf(DatabaseHostNotAllowedError);
  });

  it('connects with the URL as given', async () => {
    const one = await withConnection({ url }, async (c) => (await c.query('SELECT 1 AS one')).rows);
    expect(one).to.deep.equal([{ one: 1 }]);
  });

  it('never reads a password file, where pg by itself would', async () => {
    const u = new URL(url);
    const file = join(dir, 'pgpass');
    await writeFile(file, `*:*:*:${u.username}:${decodeURIComponent(u.password)}\n`, {
      mode: 0o600,
    });
    process.env.PGPASSFILE = file;
    u.password = '';
    const noPassword = u.toString();
    // The control: pg alone finds the password in the file (so this test can fail).
    const plain = new pg.Client({ connectionString: noPassword });
    await plain.connect();
    await plain.end();
    const err = await connect({ url: noPassword }).then(
      (c) => c.end().then(() => null),
      (e: unknown) => e,
    );
    expect(err, 'connected with a password from PGPASSFILE').to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/password/i);
  });

  it('refuses sslcert=/dev/zero before opening any socket', async () => {
    const started = process.memoryUsage().rss;
    const err = await connect({ url: `${url}?sslcert=/dev/zero&sslmode=require` }).catch((e) => e);
    expect(err).to.be.instanceOf(InvalidDatabaseUrlError).with.property('parameter', 'sslcert');
    expect(process.memoryUsage().rss - started).to.be.below(50 * 1024 * 1024);
  });

  it('refuses a host outside the allowed hosts', async () => {
    const err = await connect({ url, allowedHosts: parseAllowedHosts('*.example.com') }).catch(
      (e) => e,
    );
    expect(err).to.be.instanceOf(DatabaseHostNotAllowedError);
    expect(err.message).to.include('"127.0.0.1"');
  });
});
