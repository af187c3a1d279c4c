/**
 * Dedicated connections for a run, and the one place where socket and
 * PostgreSQL connection failures become `ConnectionError`s. A URL is only
 * ever shown without its password. Every connection goes through
 * {@link checkDatabase}: our own URL parser, the host allowlist, TLS
 * material as data (database-url.ts, database-hosts.ts, pg-config.ts).
 */
import type pg from 'pg';
import { redactUrl } from '../observability/redact.js';
import { abortedError, cancelOnAbort, checkAborted } from './abort.js';
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
  /**
   * The longest a single query may go unanswered before the client gives up
   * on it (pg's client-side `query_timeout`); the server's own
   * statement_timeout should fire first. Guards against a server that
   * finished the start-up handshake and then went silent.
   */
  queryTimeoutMs?: number;
  /** Sent in the start-up packet, so even the run's first query is bounded on the server. */
  statementTimeoutMs?: number;
  /** Aborting it during the handshake or a query destroys the socket (see abort.ts). */
  signal?: AbortSignal;
}

/** A session left idle inside a transaction longer than this is ended by the server. */
const IDLE_IN_TRANSACTION_TIMEOUT = '60s';
/** PostgreSQL 14+ cancels a running statement this soon after its client has gone away. */
const CLIENT_CHECK_INTERVAL = '1s';

/**
 * The settings every run's session starts with beyond its start-up packet;
 * also what a session reset (RESET ALL) must set again.
 */
export const SESSION_SETUP = `SET idle_in_transaction_session_timeout = '${IDLE_IN_TRANSACTION_TIMEOUT}';
       SELECT set_config(name, '${CLIENT_CHECK_INTERVAL}', false)
         FROM pg_settings WHERE name = 'client_connection_check_interval'`;

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

/**
 * Opens a new client (not from a pool) and prepares the session; throws
 * ConnectionError, or RunAbortedError when `opts.signal` stopped it. The
 * caller keeps the client queryable only as long as it wants: see
 * `cancelOnAbort` for aborts after this returns.
 */
export async function connect(opts: ConnectOptions): Promise<pg.Client> {
  // A socket destroyed before it connects would be reconnected by net.Socket#connect: never start one.
  checkAborted(opts.signal);
  const target = checkDatabase(opts);
  const connectTimeoutMs = target.connectTimeoutMs ?? opts.connectTimeoutMs ?? 10_000;
  const client: pg.Client = new IsolatedClient({
    ...clientConfig(target, opts.tls, {
      applicationName: opts.applicationName ?? 'schema-operator',
      connectTimeoutMs,
    }),
    ...(opts.queryTimeoutMs ? { query_timeout: opts.queryTimeoutMs } : {}),
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  });
  // A connection lost while idle is reported as an 'error' event; without a
  // listener it would crash the process. The next query fails and says why.
  client.on('error', () => undefined);
  const release = cancelOnAbort(client, opts.signal, () => connect({ ...opts, signal: undefined }));
  try {
    await client.connect();
    checkAborted(opts.signal);
    // The server answered the handshake; it must answer this as soon, or it is not serving.
    await client.query({
      text: SESSION_SETUP,
      query_timeout: connectTimeoutMs,
    } as pg.QueryConfig);
    return client;
  } catch (err) {
    if (opts.signal?.aborted) {
      // end() waits for the server's goodbye, which an aborted socket never brings.
      client.connection.stream.destroy();
      throw abortedError(opts.signal);
    }
    await client.end().catch(() => undefined);
    throw new ConnectionError(`cannot connect to ${redactUrl(opts.url)}: ${describe(err)}`, err);
  } finally {
    release();
  }
}

/** Runs `fn` with a dedicated connection, always closing it. */
export async function withConnection<T>(
  opts: ConnectOptions,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connect(opts);
  const release = cancelOnAbort(client, opts.signal, () => connect({ ...opts, signal: undefined }));
  try {
    return await fn(client);
  } catch (err) {
    if (opts.signal?.aborted) throw abortedError(opts.signal);
    throw err;
  } finally {
    release();
    // An aborted socket never brings the server's goodbye that end() waits for.
    if (opts.signal?.aborted) client.connection.stream.destroy();
    else await client.end().catch(() => undefined);
  }
}

/** SQLSTATE classes and socket codes that mean the session is gone. */
export function isConnectionLost(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    return (
      err instanceof Error &&
      /Connection terminated|not queryable|Query read timeout|ECONNRESET|EPIPE/i.test(err.message)
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
  if (/Query read timeout/.test(e?.message ?? ''))
    return 'the server completed the handshake but did not answer a query in time';
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(e?.message ?? '')) return 'timed out';
  return e?.message ?? String(err);
}
