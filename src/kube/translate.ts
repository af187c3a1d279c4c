/**
 * The one place that turns API responses and socket failures into the typed
 * errors of `errors.ts`. Messages say what was being done ("while getting
 * configmaps default/a: ...") so a log line stands on its own.
 */
import {
  ConflictError,
  ForbiddenError,
  GoneError,
  InvalidError,
  KubeError,
  NotFoundError,
  ServerError,
  TooManyRequestsError,
  UnavailableError,
  type InvalidCause,
} from './errors.js';

/** The parts of a `metav1.Status` body we use. */
interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: InvalidCause[]; retryAfterSeconds?: number };
}

function asStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return asStatus(JSON.parse(body));
    } catch {
      return { message: body.trim() || undefined };
    }
  }
  return body && typeof body === 'object' ? (body as StatusBody) : {};
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; falls back to the Status details. */
export function parseRetryAfter(
  header: string | undefined,
  status: StatusBody = {},
  now: number = Date.now(),
): number | undefined {
  if (header !== undefined && header.trim() !== '') {
    const secs = Number(header);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const fromBody = status.details?.retryAfterSeconds;
  return typeof fromBody === 'number' ? fromBody * 1000 : undefined;
}

/**
 * The typed error for an HTTP error response. `body` is the raw text or the
 * parsed Status; `what` names the call ("getting configmaps default/a").
 */
export function errorFromStatus(
  code: number,
  body: unknown,
  headers: Record<string, string | undefined>,
  what: string,
  cause?: unknown,
): KubeError {
  const status = asStatus(body);
  const detail = status.message ?? `HTTP ${code}`;
  const message = `while ${what}: ${detail}`;
  const opts = { status: code, cause };
  switch (true) {
    case code === 404:
      return new NotFoundError('NotFound', message, opts);
    case code === 409:
      return new ConflictError(
        status.reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict',
        message,
        opts,
      );
    case code === 410:
      return new GoneError(status.reason === 'Expired' ? 'Expired' : 'Gone', message, opts);
    case code === 429:
      return new TooManyRequestsError(
        message,
        parseRetryAfter(headers['retry-after'], status),
        opts,
      );
    case code === 422:
      return new InvalidError(message, status.details?.causes ?? [], opts);
    case code === 400:
      return new InvalidError(message, status.details?.causes ?? [], {
        ...opts,
        reason: 'BadRequest',
      });
    case code === 401:
      return new ForbiddenError('Unauthorized', message, opts);
    case code === 403:
      return new ForbiddenError('Forbidden', message, opts);
    case code >= 500:
      return new ServerError('ServerError', message, opts);
    default:
      return new KubeError('Unknown', message, opts);
  }
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The socket-level code buried in undici's `TypeError: fetch failed` chain, if any. */
export function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const o = e as { code?: unknown; name?: unknown; errors?: unknown[]; cause?: unknown };
    if (typeof o.code === 'string' && networkCodes.has(o.code)) return o.code;
    if (o.name === 'TimeoutError') return 'ETIMEDOUT';
    if (Array.isArray(o.errors) && o.errors.length > 0) e = o.errors[0];
    else e = o.cause;
  }
  return undefined;
}

/** client-node's `ApiException`, recognised by shape so this module need not load client-node. */
function isApiException(
  err: unknown,
): err is { code: number; body: unknown; headers?: Record<string, string> } {
  return (
    err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'body' in err
  );
}

/**
 * Any failure of a call as a `KubeError`: typed errors pass through,
 * `ApiException` (from client-node's generated APIs) maps by status, socket
 * errors become `UnavailableError` naming `server`.
 */
export function translateError(err: unknown, what: string, server?: string): KubeError {
  if (err instanceof KubeError) return err;
  if (isApiException(err)) return errorFromStatus(err.code, err.body, err.headers ?? {}, what, err);
  const code = networkCode(err);
  if (code !== undefined) {
    const where = server ? ` (${server})` : '';
    const label = code === 'ECONNREFUSED' ? 'connection refused' : code;
    return new UnavailableError('Unavailable', `while ${what}: ${label}${where}`, { cause: err });
  }
  // undici says only "fetch failed"; the reason (a refused port, a bad URL) is its cause.
  let text = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && cause.message && !text.includes(cause.message))
    text += `: ${cause.message}`;
  return new KubeError('Unknown', `while ${what}: ${text}`, { cause: err });
}
