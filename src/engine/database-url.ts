/**
 * Our own parser of PostgreSQL URLs. A URL comes from a tenant's Secret, so
 * it is read as untrusted input: `pg`'s own parser (pg-connection-string)
 * turns `sslcert=`, `sslkey=`, `sslrootcert=` into file reads and `host=`
 * into any unix socket, which let a tenant make the operator read
 * `/dev/zero` or probe its files. Here only the scheme, the user, password,
 * host, port, database and an allowlist of parameters are accepted; every
 * other parameter is refused by name. Messages never contain the password
 * nor any parameter's value.
 */
import { InvalidDatabaseUrlError } from './database-errors.js';

/** How TLS is used, as libpq's sslmode says (without the modes that fall back to plain text). */
export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** The sslmode values accepted. */
export const SSL_MODES: readonly SslMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];

/**
 * The query parameters a URL may carry. `sslmode` chooses TLS (its material
 * comes from Secret keys, never from paths); `connect_timeout` bounds the
 * handshake. Nothing else: see docs/security.md for why each other one is refused.
 */
export const ALLOWED_PARAMETERS = ['sslmode', 'connect_timeout'] as const;

/** The longest connect_timeout accepted, in seconds: longer would hold a worker. */
export const MAX_CONNECT_TIMEOUT_S = 60;

/** Why a refused parameter is refused, where a hint helps the user fix the URL. */
const HINTS: Record<string, string> = {
  sslcert: 'put the client certificate in the Secret key "tls.crt"',
  sslkey: 'put the client key in the Secret key "tls.key"',
  sslrootcert: 'put the CA certificate in the Secret key "ca.crt"',
  sslcrl: 'certificate revocation lists are not supported',
  sslcrldir: 'certificate revocation lists are not supported',
  sslpassword: 'put an unencrypted client key in the Secret key "tls.key"',
  host: 'name the host in the URL itself; unix sockets are not allowed',
  hostaddr: 'name the host in the URL itself',
  port: 'put the port in the URL itself',
  user: 'put the user in the URL itself',
  dbname: 'put the database in the URL path',
  password: 'put the password in the URL itself (postgres://user:password@host/db)',
  passfile: 'password files are never read',
  service: 'service files are never read',
  options: 'server options cannot be set from a URL',
};

/** A parsed, validated database URL: everything `pg` needs, nothing it would look up by itself. */
export interface DatabaseTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Absent when the URL has no sslmode (then the Secret's TLS keys decide). */
  sslmode?: SslMode;
  connectTimeoutMs?: number;
}

/** Host names (RFC 1123 labels), IPv4 literals, or bracketed IPv6 literals: nothing else names a host. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/i;
/** The shape of libpq's parameter names: only such a name is shown in a message. */
const PARAMETER_NAME = /^[a-z_][a-z0-9_]{0,39}$/i;

/** Parses `url`; throws InvalidDatabaseUrlError naming what is wrong (never the password). */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql')
    throw new InvalidDatabaseUrlError('it must start with postgres:// or postgresql://');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidDatabaseUrlError(
      'it cannot be parsed (percent-encode "/", "?", "#", "@" and ":" in the user name and password)',
    );
  }
  if (u.hash) throw new InvalidDatabaseUrlError('it has a "#" fragment (percent-encode "#")');
  const host = hostOf(u.hostname);
  const target: DatabaseTarget = {
    host,
    port: u.port === '' ? 5432 : Number(u.port),
    user: decode(u.username, 'user name'),
    password: decode(u.password, 'password'),
    database: decode(rawPath(url, scheme.length + 3).replace(/^\//, ''), 'database name'),
  };
  if (target.port === 0) throw new InvalidDatabaseUrlError('port 0 is not a port');
  if (!target.user) throw new InvalidDatabaseUrlError('it names no user (postgres://user@host/db)');
  if (!target.database) target.database = target.user;
  if (target.database.includes('/'))
    throw new InvalidDatabaseUrlError('its path must be one database name');
  return { ...target, ...parameters(u.searchParams) };
}

/**
 * The path as written: the URL parser resolves `.` and `..` segments (even
 * percent-encoded), which would silently turn a database named `.` into none.
 */
function rawPath(url: string, authorityStart: number): string {
  const rest = url.slice(authorityStart);
  const end = rest.search(/[/?#]/);
  return end === -1 || rest[end] !== '/' ? '' : rest.slice(end).replace(/[?#][\s\S]*$/, '');
}

/** A host the operator may connect to over TCP: a name or an IP literal, never a socket path. */
function hostOf(raw: string): string {
  if (raw === '') throw new InvalidDatabaseUrlError('it names no host');
  if (raw.includes('%') || raw.startsWith('/'))
    throw new InvalidDatabaseUrlError('its host is a unix socket path, which is not allowed');
  if (raw.includes(','))
    throw new InvalidDatabaseUrlError('it names several hosts; name exactly one');
  if (IPV6_LITERAL.test(raw)) return raw.slice(1, -1).toLowerCase();
  if (!HOST_NAME.test(raw)) throw new InvalidDatabaseUrlError('its host is not a valid host name');
  return raw.toLowerCase().replace(/\.$/, '');
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidDatabaseUrlError(`its ${what} has a malformed %-escape`);
  }
}

/** The allowed parameters, each once; any other is refused by name. */
function parameters(params: URLSearchParams): Pick<DatabaseTarget, 'sslmode' | 'connectTimeoutMs'> {
  const seen = new Set<string>();
  const out: Pick<DatabaseTarget, 'sslmode' | 'connectTimeoutMs'> = {};
  for (const [name, value] of params) {
    if (!(ALLOWED_PARAMETERS as readonly string[]).includes(name)) {
      const hint = HINTS[name] ? `: ${HINTS[name]}` : '';
      // A name that is not a plain word may be part of a password whose unencoded `?`
      // made the rest of it a query: it is not shown.
      const shown = PARAMETER_NAME.test(name) ? `"${name}"` : 'with a name that is not shown';
      throw new InvalidDatabaseUrlError(
        `the parameter ${shown} is not allowed (allowed: ${ALLOWED_PARAMETERS.join(', ')})${hint}`,
        PARAMETER_NAME.test(name) ? name : '(not shown)',
      );
    }
    if (seen.has(name))
      throw new InvalidDatabaseUrlError(`the parameter "${name}" is given twice`, name);
    seen.add(name);
    if (name === 'sslmode') {
      if (!(SSL_MODES as readonly string[]).includes(value))
        throw new InvalidDatabaseUrlError(
          `the parameter "sslmode" must be one of ${SSL_MODES.join(', ')}`,
          name,
        );
      out.sslmode = value as SslMode;
    } else {
      const s = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
      if (!(s >= 1 && s <= MAX_CONNECT_TIMEOUT_S))
        throw new InvalidDatabaseUrlError(
          `the parameter "connect_timeout" must be a whole number of seconds from 1 to ${MAX_CONNECT_TIMEOUT_S}`,
          name,
        );
      out.connectTimeoutMs = s * 1000;
    }
  }
  return out;
}
