/**
 * Secrets never reach a log line: passwords in URLs (`postgres://u:pw@h`)
 * are masked wherever they appear in a string, and values under keys that
 * name secrets (password, secret, token, ...) are replaced whole, at any
 * depth. Used as a winston format and usable on its own.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

// Keys whose values are secret; matched case-insensitively, anywhere in the key
// (so `databasePassword`, `client_secret`, `x-auth-token` are caught too).
const secretKey =
  /pass(word|wd)?|secret|token|api[-_]?key|credential|authorization|private[-_]?key/i;
// scheme://user:password@host — masks only the password part.
const urlPassword = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]+)@/gi;
// key=value pairs in connection strings and DSNs: password=..., sslpassword=...
const kvPassword = /\b(password|sslpassword|pwd)=([^\s&;]+)/gi;

/** Masks passwords inside URLs and `password=` pairs in a string. */
export function redactString(text: string): string {
  return text.replace(urlPassword, `$1${REDACTED}@`).replace(kvPassword, `$1=${REDACTED}`);
}

/** True for a key whose value must not be logged. */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

/** A deep copy of `value` with secrets removed; cycles are cut. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      stack: value.stack && redactString(value.stack),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redact(v, seen);
  return out;
}
