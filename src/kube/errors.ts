/**
 * Typed Kubernetes API errors. `ApiException`, non-2xx responses and socket
 * errors are translated into these once, in `translateError`/`errorFromStatus`;
 * code above `src/kube/` matches on classes, never on status codes or text.
 */

/** The reasons an API call can fail (the API's own `Status.reason` where it has one). */
export type KubeErrorReason =
  | 'NotFound'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Gone'
  | 'Expired'
  | 'TooManyRequests'
  | 'ServerError'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Unavailable'
  | 'Unknown';

/** Base class: every failure of an API call, with its reason, HTTP status and cause. */
export class KubeError extends Error {
  readonly reason: KubeErrorReason;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;

  constructor(
    reason: KubeErrorReason,
    message: string,
    opts: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.reason = reason;
    this.status = opts.status ?? 0;
  }

  /** True when the same call may succeed if simply tried again later. */
  get isTransient(): boolean {
    return false;
  }
}

/** 404: the object (or its namespace) does not exist. */
export class NotFoundError extends KubeError {}

/**
 * 409: a write lost an optimistic-concurrency race (`Conflict`) or the object
 * already exists (`AlreadyExists`). Transient: re-read and try again.
 */
export class ConflictError extends KubeError {
  override get isTransient(): boolean {
    return true;
  }
}

/** 410: the requested resourceVersion is too old (compacted); re-list. */
export class GoneError extends KubeError {
  override get isTransient(): boolean {
    return true;
  }
}

/** 429: throttled by the API server (or priority and fairness); wait `retryAfterMs`. */
export class TooManyRequestsError extends KubeError {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    opts: { status?: number; cause?: unknown } = {},
  ) {
    super('TooManyRequests', message, opts);
  }
  override get isTransient(): boolean {
    return true;
  }
}

/** 5xx: the API server failed; transient. */
export class ServerError extends KubeError {
  override get isTransient(): boolean {
    return true;
  }
}

/** One field-level cause of a 422 Invalid response. */
export interface InvalidCause {
  field?: string;
  reason?: string;
  message?: string;
}

/** 422 (or 400): the object was rejected by validation; not worth retrying as is. */
export class InvalidError extends KubeError {
  constructor(
    message: string,
    readonly causes: InvalidCause[],
    opts: { status?: number; cause?: unknown; reason?: 'Invalid' | 'BadRequest' } = {},
  ) {
    super(opts.reason ?? 'Invalid', message, opts);
  }
}

/** 401/403: the credentials are wrong or RBAC does not allow the call. */
export class ForbiddenError extends KubeError {}

/** No response: connection refused, reset, DNS failure or timeout. Transient. */
export class UnavailableError extends KubeError {
  override get isTransient(): boolean {
    return true;
  }
}

/** True for errors worth retrying with backoff (typed transient ones, or anything untyped). */
export function isTransient(err: unknown): boolean {
  return err instanceof KubeError ? err.isTransient : true;
}
