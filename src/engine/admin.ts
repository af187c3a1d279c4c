/** Server-level chores for local development: creating a database. */
import { withConnection } from './connection.js';
import { quoteIdent } from './ledger.js';

/** Creates database `name` on the server of `adminUrl` unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  await withConnection({ url: adminUrl, applicationName: 'schema-operator dev' }, async (c) => {
    const { rows } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await c.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
