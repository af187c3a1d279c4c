/**
 * Custom resource admission for the devcluster (DESIGN section 8): what
 * apiextensions-apiserver does to a custom resource on create and update,
 * in the same order — prune unknown fields, apply defaults, validate the
 * schema's keywords and list types, then evaluate the CEL rules — with the
 * real server's error wording, so kubectl and client code see what a real
 * cluster would show them.
 *
 * Unknown fields (the server's choice of status code): every pruned field is
 * listed in `unknownFields` (paths like `spec.foo`, `spec.items[0].bar`,
 * `metadata.foo`), whatever `strict` says; pruning never produces a
 * FieldError. With `fieldValidation=Strict` the real server refuses such an
 * object before validating it, with 400 BadRequest and
 * {@link strictDecodingMessage}; the server should do that when `strict` is
 * set and `unknownFields` is not empty. Without `strict` (the server's Warn
 * default) the same fields come back as `warnings` (`unknown field "spec.foo"`)
 * for the `Warning` response header; a server in Ignore mode drops them.
 *
 * CEL rules are skipped, as in the real server, when the schema pass found an
 * error that makes rules meaningless (Required, NotSupported, TooLong,
 * TooMany, TypeInvalid); a `<nil>` error then says some rules were not run.
 */
import { defaultInPlace } from './schema/default.js';
import { validateRules } from './schema/cel-rules.js';
import * as fe from './schema/field-errors.js';
import { type FieldError } from './schema/field-errors.js';
import { pruneInPlace } from './schema/prune.js';
import { cloneJson, type SchemaNode } from './schema/structural.js';
import { validateResource } from './schema/validate.js';

export type { FieldError } from './schema/field-errors.js';
export { formatFieldError } from './schema/field-errors.js';

/** What {@link prepareCustomResource} returns. */
export interface PreparedResource {
  /** A pruned and defaulted copy of the input (the input is never modified). */
  obj: Record<string, unknown>;
  /** Validation errors, in the real server's order; empty means valid. */
  errors: FieldError[];
  /** `unknown field "<path>"` per pruned field when not strict; empty when strict. */
  warnings: string[];
  /** Paths of the fields pruning dropped, in document order. */
  unknownFields: string[];
}

/** Errors after which the real server does not run CEL rules (its `hasBlockingErr`). */
const BLOCKING: ReadonlySet<FieldError['type']> = new Set([
  'FieldValueNotSupported',
  'FieldValueRequired',
  'FieldValueTooLong',
  'FieldValueTooMany',
  'FieldValueTypeInvalid',
]);

/** Prunes unknown fields, applies defaults, validates against the schema and its CEL rules. Pure. */
export function prepareCustomResource(args: {
  schema: object;
  obj: Record<string, unknown>;
  old?: Record<string, unknown>;
  strict: boolean;
}): PreparedResource {
  const schema = args.schema as SchemaNode;
  const unknownFields: string[] = [];
  const obj = admit(args.obj, schema, unknownFields);
  // The stored object is pruned and defaulted on read too, so oldSelf sees what self would.
  const old = args.old && admit(args.old, schema, []);
  const errors = validateResource(obj, schema);
  if (errors.some((e) => BLOCKING.has(e.type))) {
    errors.push(
      fe.invalid(
        '<nil>',
        null,
        'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ),
    );
  } else {
    errors.push(...validateRules(obj, old, schema));
  }
  const warnings = args.strict ? [] : unknownFields.map((p) => `unknown field "${p}"`);
  return { obj, errors, warnings, unknownFields };
}

function admit(
  input: Record<string, unknown>,
  schema: SchemaNode,
  unknown: string[],
): Record<string, unknown> {
  const obj = cloneJson(input);
  pruneInPlace(obj, schema, '', unknown, true);
  defaultInPlace(obj, schema);
  return obj;
}

/** The message of the 400 BadRequest a Strict request with unknown fields gets. */
export function strictDecodingMessage(unknownFields: string[]): string {
  return `strict decoding error: ${unknownFields.map((p) => `unknown field "${p}"`).join(', ')}`;
}

/** The 422 Status body the real server returns for these errors (`errors.NewInvalid`). */
export function invalidStatus(args: {
  kind: string;
  group: string;
  name: string;
  errors: FieldError[];
}): object {
  const { kind, group, name, errors } = args;
  const qualified = group ? `${kind}.${group}` : kind;
  // Go's aggregate drops repeated messages and brackets only a list of several.
  const messages = [...new Set(errors.map(fe.formatFieldError))];
  const aggregate =
    messages.length === 0
      ? '<nil>'
      : messages.length === 1
        ? messages[0]
        : `[${messages.join(', ')}]`;
  const causes = errors.map((e) => ({ reason: e.type, message: e.message, field: e.field }));
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${qualified} ${JSON.stringify(name)} is invalid: ${aggregate}`,
    reason: 'Invalid',
    details: { name, ...(group ? { group } : {}), kind, ...(causes.length ? { causes } : {}) },
    code: 422,
  };
}
