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
// The start of a URL with an authority: `scheme://`.
const urlStart = /\b[a-z][a-z0-9+.-]*:\/\//gi;
// key=value pairs in connection strings, DSNs and URL queries: password=..., sslpassword=...
const kvPassword = /\b(password|sslpassword|pwd)=([^\s&;#]+)/gi;
/** Longer URLs are cut in messages: a tenant's Secret must not fill a status or a log line. */
const MAX_SHOWN_URL = 256;

/**
 * Masks passwords inside URLs and `password=` pairs in a string. A password
 * may hold unencoded `/`, `?`, `#`, `:` or `@` (a URL parser then reads part
 * of it as port, path or fragment), so the user information is taken to run
 * to the LAST `@` before the URL ends (whitespace or the next `scheme://`):
 * that masks too much in a URL with an `@` in its query, never too little.
 */
export function redactString(text: string): string {
  return maskUserinfo(text, (user) => `${user}:${REDACTED}@`).replace(kvPassword, `$1=${REDACTED}`);
}

/**
 * A database URL without its password, for messages and status
 * (`postgres://user@host/db`), `password=` parameters masked, cut to a
 * readable length. Never throws, whatever the input.
 */
export function redactUrl(url: string): string {
  const shown = maskUserinfo(url.trim(), (user) => `${user}@`).replace(
    kvPassword,
    `$1=${REDACTED}`,
  );
  return shown.length > MAX_SHOWN_URL ? `${shown.slice(0, MAX_SHOWN_URL)}...` : shown;
}

/** Replaces `user:anything@` after each `scheme://` in `text` with `mask(user)`. */
function maskUserinfo(text: string, mask: (user: string) => string): string {
  const starts = [...text.matchAll(urlStart)];
  let out = '';
  let pos = 0;
  starts.forEach((m, i) => {
    const from = m.index + m[0].length;
    if (from < pos) return;
    const until = starts[i + 1]?.index ?? text.length;
    const space = text.slice(from, until).search(/\s/);
    const end = space === -1 ? until : from + space;
    const authority = text.slice(from, end);
    const at = authority.lastIndexOf('@');
    const colon = authority.indexOf(':');
    out += text.slice(pos, from);
    out +=
      colon !== -1 && colon < at
        ? mask(authority.slice(0, colon)) + authority.slice(at + 1)
        : authority;
    pos = end;
  });
  return out + text.slice(pos);
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
