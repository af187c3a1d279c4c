/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902, including `test`).
 * Pure functions over JSON values; a patch that cannot apply throws an
 * {@link ApiError} with the status the real server uses.
 */
import { ApiError, badRequest } from './errors.js';
import { clone, deepEqual, isRecord } from './object.js';

/** Applies a JSON merge patch: objects merge, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map(unescape);
}

/** Unprocessable: the real server answers 422 when an operation does not apply. */
function cannotApply(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw cannotApply(`invalid array index "${token}"`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length))
    throw cannotApply(`array index ${i} out of bounds`);
  return i;
}

function get(doc: unknown, tokens: string[], path: string): unknown {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isRecord(cur) && t in cur) cur = cur[t];
    else throw cannotApply(`jsonpatch path "${path}" does not exist`);
  }
  return cur;
}

/** Returns the parent container and last token, after checking the parent exists. */
function parentOf(doc: unknown, tokens: string[], path: string): [unknown, string] {
  if (tokens.length === 0)
    throw cannotApply(`jsonpatch on the document root "${path}" is not supported`);
  return [get(doc, tokens.slice(0, -1), path), tokens[tokens.length - 1]!];
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const [parent, last] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, clone(value));
  else if (isRecord(parent)) parent[last] = clone(value);
  else throw cannotApply(`jsonpatch add operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  const [parent, last] = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else if (isRecord(parent) && last in parent) delete parent[last];
  else
    throw cannotApply(`jsonpatch remove operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

function operations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  return patch.map((op) => {
    if (!isRecord(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest('json patch operation must have "op" and "path"');
    }
    return op as unknown as Operation;
  });
}

/** Applies an RFC 6902 patch to a copy of `target`. */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  let doc = clone(target);
  for (const op of operations(patch)) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, op.value);
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        get(doc, pointer(op.path), op.path);
        doc = add(remove(doc, op.path), op.path, op.value);
        break;
      case 'move': {
        const value = get(doc, pointer(op.from ?? ''), op.from ?? '');
        doc = add(remove(doc, op.from ?? ''), op.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, get(doc, pointer(op.from ?? ''), op.from ?? ''));
        break;
      case 'test':
        if (!deepEqual(get(doc, pointer(op.path), op.path), op.value)) {
          throw cannotApply(`testing value ${op.path} failed: test operation failed`);
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
