/**
 * Custom resources: every write is pruned, defaulted and validated against
 * the served version's openAPIV3Schema and its CEL rules (the logic lives in
 * `validation.ts`); a bad object is refused with the 422 the real server
 * sends; unknown fields are 400 with `fieldValidation=Strict` and warning
 * headers otherwise.
 */
import { ApiError, badRequest } from './errors.js';
import type { KubeObject } from './object.js';
import type { ResourceType } from './resources.js';
import type { KindRules, WriteContext } from './rules.js';
import { invalidStatus, prepareCustomResource, strictDecodingMessage } from './validation.js';

function prepare(
  t: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  ctx: WriteContext,
): KubeObject {
  const schema = t.custom?.schema;
  if (!schema) return obj;
  const result = prepareCustomResource({
    schema,
    obj: obj as Record<string, unknown>,
    ...(old ? { old: old as Record<string, unknown> } : {}),
    strict: ctx.strict,
  });
  // Strict decoding fails before validation runs, with 400 as in the real server.
  if (ctx.strict && result.unknownFields.length)
    throw badRequest(strictDecodingMessage(result.unknownFields));
  ctx.warnings.push(...result.warnings);
  if (result.errors.length) {
    const body = invalidStatus({
      kind: t.kind,
      group: t.group,
      name: obj.metadata.name,
      errors: result.errors,
    });
    const message =
      (body as { message?: string }).message ?? `${t.kind} "${obj.metadata.name}" is invalid`;
    throw new ApiError(422, 'Invalid', message, undefined, body);
  }
  return result.obj as KubeObject;
}

/** The rules shared by every custom resource. */
export const customResourceRules: KindRules = {
  onCreate: (t, obj, ctx) => prepare(t, obj, undefined, ctx),
  onUpdate: (t, obj, old, ctx) => prepare(t, obj, old, ctx),
};
