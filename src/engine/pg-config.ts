/**
 * The `pg` configuration built from a parsed URL, and a `pg.Client` that
 * takes nothing from anywhere else. `pg` falls back to `PG*` environment
 * variables for every setting left empty (PGHOST, PGOPTIONS, PGSSLMODE,
 * PGREPLICATION, ...) and reads `~/.pgpass` or `PGPASSFILE` when no password
 * is given; `connectionString` would hand the URL to pg-connection-string,
 * which reads the files its parameters name. So no connection string is
 * ever passed, the password is always given (as a function, which `pg`
 * calls instead of looking up a password file), TLS material is passed as
 * data, and the `PG*` variables are hidden while `pg` reads its settings.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { InvalidDatabaseUrlError } from './database-errors.js';
import type { DatabaseTarget, SslMode } from './database-url.js';

/** PEM data from the Secret that holds the URL (keys `ca.crt`, `tls.crt`, `tls.key`). */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

/** The Secret keys TLS material is read from. */
export const TLS_KEYS = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;

/** Settings of a connection that do not come from the URL. */
export interface ClientSettings {
  applicationName: string;
  connectTimeoutMs: number;
}

/** The sslmode in force: the URL's, else verify-full when the Secret carries TLS material, else disable. */
export function effectiveSslMode(target: DatabaseTarget, tls: TlsMaterial = {}): SslMode {
  if (target.sslmode) return target.sslmode;
  return tls.ca || tls.cert || tls.key ? 'verify-full' : 'disable';
}

/** The `ssl` option of `pg` for the mode; throws InvalidDatabaseUrlError for unusable material. */
export function sslOptions(
  target: DatabaseTarget,
  tls: TlsMaterial = {},
): false | ConnectionOptions {
  const mode = effectiveSslMode(target, tls);
  if (mode === 'disable') return false;
  if (Boolean(tls.cert) !== Boolean(tls.key))
    throw new InvalidDatabaseUrlError(
      `the Secret has only one of "${TLS_KEYS.cert}" and "${TLS_KEYS.key}"; a client certificate needs both`,
    );
  for (const [field, key] of Object.entries(TLS_KEYS) as Array<[keyof TlsMaterial, string]>) {
    const pem = tls[field];
    if (pem !== undefined && !pem.includes('-----BEGIN '))
      throw new InvalidDatabaseUrlError(`the Secret key "${key}" is not PEM data`);
  }
  const material: ConnectionOptions = {
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}),
  };
  // libpq's require: encrypted, the server's certificate not checked.
  if (mode === 'require') return { ...material, rejectUnauthorized: false };
  // verify-ca: the chain is checked against ca.crt (or the system CAs), the name is not.
  if (mode === 'verify-ca')
    return { ...material, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return {
    ...material,
    rejectUnauthorized: true,
    ...(isIP(target.host) ? {} : { servername: target.host }),
  };
}

/** A complete `pg.Client` configuration: every field set, so `pg` looks nothing up. */
export function clientConfig(
  target: DatabaseTarget,
  tls: TlsMaterial | undefined,
  settings: ClientSettings,
): pg.ClientConfig {
  const password = target.password;
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // A function: `pg` calls it rather than reading a password file, even for an empty password.
    password: async () => password,
    ssl: sslOptions(target, tls),
    application_name: settings.applicationName.slice(0, 63),
    connectionTimeoutMillis: target.connectTimeoutMs ?? settings.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/**
 * A `pg.Client` built with the `PG*` environment variables out of sight:
 * `pg` reads them only in its constructor (ConnectionParameters), which runs
 * synchronously here, so no other code can observe them missing.
 */
export class IsolatedClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    const hidden = hidePgEnvironment();
    try {
      super(config);
    } finally {
      Object.assign(process.env, hidden);
    }
  }
}

function hidePgEnvironment(): Record<string, string> {
  const hidden: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('PG') && v !== undefined) {
      hidden[k] = v;
      delete process.env[k];
    }
  }
  return hidden;
}
