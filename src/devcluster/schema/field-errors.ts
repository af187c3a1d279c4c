/**
 * Field errors worded as k8s.io/apimachinery's `field.Error` words them, so
 * that kubectl and client users see the same text as from a real
 * kube-apiserver. `message` is Go's `ErrorBody()` (type label, bad value,
 * detail); the full error string is `<field>: <message>`.
 */

/** One validation failure, shaped like a `metav1.StatusCause` plus the bad value. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueDuplicate';
  field: string;
  message: string;
  badValue?: unknown;
}

/** Marks an error whose body names no value (Go's `omitValue`). */
const OMIT = Symbol('omit');

const LABELS: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
};

/**
 * A value as Go prints it in an error body: numbers and booleans bare (`%v`),
 * strings quoted (`%q`, approximated by JSON quoting), anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'null';
  return JSON.stringify(value) ?? 'null';
}

function body(type: FieldError['type'], value: unknown, detail: string): string {
  let s = LABELS[type];
  // Go leaves the value out of these four kinds of error.
  const bare =
    type === 'FieldValueRequired' ||
    type === 'FieldValueForbidden' ||
    type === 'FieldValueTooLong' ||
    value === OMIT;
  if (!bare) s += `: ${formatValue(value)}`;
  if (detail) s += `: ${detail}`;
  return s;
}

function make(type: FieldError['type'], field: string, value: unknown, detail: string): FieldError {
  const e: FieldError = { type, field, message: body(type, value, detail) };
  if (value !== OMIT) e.badValue = value;
  return e;
}

/** `field.Required`: "Required value[: detail]". */
export function required(field: string, detail = ''): FieldError {
  return make('FieldValueRequired', field, '', detail);
}

/** `field.Invalid`: "Invalid value: <value>: detail". */
export function invalid(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueInvalid', field, value, detail);
}

/** `field.TypeInvalid`: worded like Invalid, typed FieldValueTypeInvalid. */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return make('FieldValueTypeInvalid', field, value, detail);
}

/** `field.NotSupported`: "Unsupported value: <value>: supported values: "a", "b"". */
export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  const detail = supported.length
    ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`
    : '';
  return make('FieldValueNotSupported', field, value, detail);
}

/** `field.TooLong`: "Too long: may not be more than N bytes" (the wording since Kubernetes 1.32). */
export function tooLong(field: string, max: number): FieldError {
  const detail = max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : '';
  return make('FieldValueTooLong', field, '<value omitted>', detail || 'value is too long');
}

/** `field.TooMany`: "Too many: <actual>: must have at most N items". */
export function tooMany(field: string, actual: number, max: number): FieldError {
  const detail = `must have at most ${max} ${max === 1 ? 'item' : 'items'}`;
  return make('FieldValueTooMany', field, actual >= 0 ? actual : OMIT, detail);
}

/** `field.Forbidden`: "Forbidden: detail". */
export function forbidden(field: string, detail: string): FieldError {
  return make('FieldValueForbidden', field, '', detail);
}

/** `field.Duplicate`: "Duplicate value: <value>". */
export function duplicate(field: string, value: unknown): FieldError {
  return make('FieldValueDuplicate', field, value, '');
}

/** The error as Go's `Error()` prints it: `<field>: <body>`. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** Appends a child to a field path the way `field.Path.Child` does. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Appends an index to a field path the way `field.Path.Index` does. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** Appends a map key to a field path the way `field.Path.Key` does. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
