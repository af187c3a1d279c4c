/**
 * Dedicated connections for a run, and the one place where socket and
 * PostgreSQL connection failures become `ConnectionError`s. A URL is only
 * ever shown without its password. Every connection goes through
 * {@link checkDatabase}: our own URL parser, the host allowlist, TLS
 * material as data (database-url.ts, database-hosts.ts, pg-config.ts).
 */
import type pg from 'pg';
import { redactUrl } from '../observability/redact.js';
import { assertHostAllowed, type AllowedHosts } from './database-hosts.js';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { ConnectionError } from './errors.js';
import { clientConfig, IsolatedClient, sslOptions, type TlsMaterial } from './pg-config.js';

/** What names a database: the URL and the TLS material beside it, and the hosts that may be reached. */
export interface DatabaseAccess {
  url: string;
  /** PEM data from the Secret keys ca.crt, tls.crt, tls.key. */
  tls?: TlsMaterial;
  /** `run --allowed-database-hosts`; undefined allows any host. */
  allowedHosts?: AllowedHosts;
}

/** How to reach the database. */
export interface ConnectOptions extends DatabaseAccess {
  /** Shown in pg_stat_activity, and so in "lock held by ..." messages. */
  applicationName?: string;
  connectTimeoutMs?: number;
}

/** A session left idle inside a transaction longer than this is ended by the server. */
const IDLE_IN_TRANSACTION_TIMEOUT = '60s';
/** PostgreSQL 14+ cancels a running statement this soon after its client has gone away. */
const CLIENT_CHECK_INTERVAL = '1s';

export { redactUrl };

/**
 * The parsed target of `access`, after every check a connection makes:
 * allowed parameters only, no socket host, the host allowed, usable TLS
 * material. Throws InvalidDatabaseUrlError or DatabaseHostNotAllowedError
 * (terminal: nothing is tried).
 */
export function checkDatabase(access: DatabaseAccess): DatabaseTarget {
  const target = parseDatabaseUrl(access.url);
  assertHostAllowed(access.allowedHosts, target.host);
  sslOptions(target, access.tls);
  return target;
}

/** Opens a new client (not from a pool) and prepares the session; throws ConnectionError. */
export async function connect(opts: ConnectOptions): Promise<pg.Client> {
  const target = checkDatabase(opts);
  const client: pg.Client = new IsolatedClient(
    clientConfig(target, opts.tls, {
      applicationName: opts.applicationName ?? 'schema-operator',
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    }),
  );
  // A connection lost while idle is reported as an 'error' event; without a
  // listener it would crash the process. The next query fails and says why.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(
      `SET idle_in_transaction_session_timeout = '${IDLE_IN_TRANSACTION_TIMEOUT}';
       SELECT set_config(name, '${CLIENT_CHECK_INTERVAL}', false)
         FROM pg_settings WHERE name = 'client_connection_check_interval'`,
    );
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new ConnectionError(`cannot connect to ${redactUrl(opts.url)}: ${describe(err)}`, err);
  }
}

/** Runs `fn` with a dedicated connection, always closing it. */
export async function withConnection<T>(
  opts: ConnectOptions,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connect(opts);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SQLSTATE classes and socket codes that mean the session is gone. */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    return (
      err instanceof Error &&
      /Connection terminated|not queryable|ECONNRESET|EPIPE/i.test(err.message)
    );
  }
  return (
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code)
  );
}

/** The cause in words; the server's own message where it sent one (wrong password, missing database). */
function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED')
    return 'connection refused (is the server running and the port right?)';
  if (e?.code === 'ENOTFOUND') return 'host not found';
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(e?.message ?? '')) return 'timed out';
  return e?.message ?? String(err);
}
