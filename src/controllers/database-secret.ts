/**
 * A database as a Secret names it: the URL under the key the CR gives, and
 * the TLS material beside it under fixed keys (`ca.crt`, `tls.crt`,
 * `tls.key`, the names cert-manager and kubernetes.io/tls Secrets use).
 * TLS material is only ever data from the Secret: a URL cannot make the
 * operator read a file. Shared by every controller that connects on a
 * tenant's behalf, so all of them check the same things.
 */
import {
  checkDatabase,
  DatabaseHostNotAllowedError,
  InvalidDatabaseUrlError,
  TLS_KEYS,
  type AllowedHosts,
  type DatabaseAccess,
  type TlsMaterial,
} from '../engine/index.js';

/** Reads one decoded Secret key; undefined when the Secret or the key is missing. */
export type SecretKeyReader = (
  namespace: string,
  name: string,
  key: string,
) => Promise<string | undefined>;

/** Where a database URL is kept. */
export interface DatabaseSecretRef {
  namespace: string;
  name: string;
  /** The key of the URL (default `url`). */
  key?: string;
}

/**
 * The URL and TLS material of `ref`, checked as a connection would check
 * them (allowed parameters, no socket host, `allowedHosts`, usable PEM
 * data). Undefined when the Secret or its URL key is missing. Throws
 * InvalidDatabaseUrlError or DatabaseHostNotAllowedError naming the Secret.
 */
export async function readDatabaseAccess(
  read: SecretKeyReader,
  ref: DatabaseSecretRef,
  allowedHosts?: AllowedHosts,
): Promise<DatabaseAccess | undefined> {
  const urlKey = ref.key ?? 'url';
  const [url, ca, cert, key] = await Promise.all([
    read(ref.namespace, ref.name, urlKey),
    read(ref.namespace, ref.name, TLS_KEYS.ca),
    read(ref.namespace, ref.name, TLS_KEYS.cert),
    read(ref.namespace, ref.name, TLS_KEYS.key),
  ]);
  if (!url) return undefined;
  const tls: TlsMaterial = {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
  };
  const access: DatabaseAccess = { url, tls, ...(allowedHosts ? { allowedHosts } : {}) };
  try {
    checkDatabase(access);
  } catch (err) {
    if (err instanceof InvalidDatabaseUrlError || err instanceof DatabaseHostNotAllowedError)
      throw err.from(`Secret ${ref.namespace}/${ref.name} (key "${urlKey}")`);
    throw err;
  }
  return access;
}

/** True for the errors of {@link readDatabaseAccess} that a Secret change must fix. */
export function isDatabaseRefusal(
  err: unknown,
): err is InvalidDatabaseUrlError | DatabaseHostNotAllowedError {
  return err instanceof InvalidDatabaseUrlError || err instanceof DatabaseHostNotAllowedError;
}

/** What names one database for sharing and comparing: its URL and TLS data (never logged). */
export function accessKeyOf(access: DatabaseAccess): string {
  return `${access.url}\n${JSON.stringify(access.tls ?? {})}`;
}

/**
 * How long a controller waits before it reads a database Secret again when
 * it was missing or its URL refused (Secrets are read, not watched). Both
 * controllers write the failure to status (SecretNotFound, or the refusal's
 * reason) and requeue after this delay, rather than retrying with backoff.
 */
export const SECRET_RECHECK_MS = 30_000;
