/**
 * The field manager and `force` options of a write, validated as
 * kube-apiserver validates CreateOptions, UpdateOptions and PatchOptions:
 * an apply must name its manager, `force` belongs to applies only, and a
 * manager is at most 128 printable characters. Without `fieldManager` the
 * manager is the user agent's product name (before the first `/`).
 */
import type { IncomingMessage } from 'node:http';
import { invalid, type InvalidField } from '../errors.js';
import { queryFlag } from '../query.js';

/** The longest field manager kube-apiserver accepts. */
const MAX_FIELD_MANAGER = 128;

/** What a write request says about its manager. */
export interface WriteOptions {
  fieldManager?: string;
  force: boolean;
}

/** The options of a `create`, `update` or `patch` (`apply` when the body is an apply patch). */
export function writeOptions(
  verb: 'create' | 'update' | 'patch',
  apply: boolean,
  q: URLSearchParams,
  req: IncomingMessage,
): WriteOptions {
  const given = q.get('fieldManager') ?? '';
  const errors: InvalidField[] = [];
  if (verb === 'patch' && !apply && q.has('force')) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'force',
      message: 'Forbidden: may not be specified for non-apply patch',
    });
  }
  if (apply && given === '') {
    errors.push({
      type: 'FieldValueRequired',
      field: 'fieldManager',
      message: 'Required value: is required for apply patch',
    });
  }
  if (given.length > MAX_FIELD_MANAGER) {
    errors.push({
      type: 'FieldValueTooLong',
      field: 'fieldManager',
      message: `Too long: may not be more than ${MAX_FIELD_MANAGER} bytes`,
    });
  } else if (!/^[\x20-\x7e]*$/.test(given)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'fieldManager',
      message: `Invalid value: ${JSON.stringify(given)}: must only contain printable characters`,
    });
  }
  if (errors.length) {
    const kind = { create: 'CreateOptions', update: 'UpdateOptions', patch: 'PatchOptions' }[verb];
    throw invalid({ kind, group: 'meta.k8s.io', name: '', errors });
  }
  const force = queryFlag(q.get('force'));
  if (given) return { fieldManager: given, force };
  const agent = (req.headers['user-agent'] ?? '').split('/')[0]!;
  return agent ? { fieldManager: agent.slice(0, MAX_FIELD_MANAGER), force } : { force };
}
