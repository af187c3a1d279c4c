/**
 * Failures as the Kubernetes API server reports them: a `Status` object with
 * a `reason` and an HTTP code. Handlers throw {@link ApiError}; the HTTP layer
 * turns it into the response body, so no handler writes an error by hand.
 */

/** One entry of `Status.details.causes`. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** What identifies the object an error is about (`Status.details`). */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** An API failure carrying everything the `Status` body needs. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    /** A complete Status body to send instead of building one (CR validation). */
    readonly body?: object,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The `Status` object sent to the client. */
  status(): object {
    if (this.body) return this.body;
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** Identifies a resource in messages: `pods`, `schemamigrations.schema.streamspace.io`. */
export interface ResourceRef {
  group: string;
  resource: string;
}

function qualified(r: ResourceRef): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

function details(r: ResourceRef, name: string): StatusDetails {
  return r.group ? { name, group: r.group, kind: r.resource } : { name, kind: r.resource };
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(r: ResourceRef, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, details(r, name));
}

/** 409 AlreadyExists: `pods "x" already exists`. */
export function alreadyExists(r: ResourceRef, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualified(r)} "${name}" already exists`,
    details(r, name),
  );
}

/** 409 Conflict for a stale resourceVersion or a failed precondition. */
export function conflict(r: ResourceRef, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    details(r, name),
  );
}

/** The reason a stale update is refused, worded as the real server does. */
export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 403 Forbidden. */
export function forbidden(r: ResourceRef, name: string, why: string): ApiError {
  return new ApiError(
    403,
    'Forbidden',
    `${qualified(r)} "${name}" is forbidden: ${why}`,
    details(r, name),
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(
  contentType: string,
  accepted = 'application/json-patch+json, application/merge-patch+json',
): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted} (got ${contentType})`,
  );
}

/** 410 Gone for a watch or continue token older than the kept history. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** A field error of a built-in kind, in the shape the 422 body lists. */
export interface InvalidField {
  type: string;
  field: string;
  /** The detail, e.g. `Invalid value: "x": must be ...` without the field. */
  message: string;
}

/** 422 Invalid: `ConfigMap "x" is invalid: metadata.name: Invalid value: ...`. */
export function invalid(args: {
  kind: string;
  group: string;
  name: string;
  errors: InvalidField[];
}): ApiError {
  const { kind, group, name, errors } = args;
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const causes = errors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
  return new ApiError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes,
    },
  );
}
