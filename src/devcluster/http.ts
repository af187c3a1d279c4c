/**
 * HTTP plumbing: reading bodies within the real server's limits, parsing
 * JSON or YAML, writing JSON responses and Status errors, and the per-request
 * fault and counter hooks. Resource semantics live in `handler.ts`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './errors.js';
import { storedJson, type KubeObject } from './object.js';

/** The largest request body accepted (the real server's 3 MiB). */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

/**
 * Reads the whole body; 413 past {@link MAX_REQUEST_BYTES}. Listeners, not
 * `for await`: an async iterator per request cost more than the reading.
 * A stream error or premature close rejects with that error, as the loop did.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.off('data', onData);
        reject(
          new ApiError(
            413,
            'RequestEntityTooLarge',
            `the server has received too large of a request: limit is ${MAX_REQUEST_BYTES}`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    finished(req, (err) => (err ? reject(err) : resolve(Buffer.concat(chunks))));
  });
}

/** The media type of a request, without parameters. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** Parses a JSON or YAML body; 400 when it is neither. */
export function parseBody(body: Buffer, type: string): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml')
      return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (err) {
    const what = type.includes('yaml') ? 'yaml' : 'json';
    throw badRequest(`error decoding ${what}: ${(err as Error).message}`);
  }
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  warnings: string[] = [],
): void {
  sendText(res, code, JSON.stringify(body), warnings);
}

/** {@link sendJson} for an object the store holds: its text is serialized once (see storedJson). */
export function sendStored(
  res: ServerResponse,
  code: number,
  obj: KubeObject,
  warnings: string[] = [],
): void {
  sendText(res, code, storedJson(obj), warnings);
}

function sendText(res: ServerResponse, code: number, text: string, warnings: string[]): void {
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

/** Writes the Status of an error (any non-ApiError is a 500 InternalError). */
export function sendError(res: ServerResponse, err: unknown): void {
  const api =
    err instanceof ApiError
      ? err
      : new ApiError(
          500,
          'InternalError',
          `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
        );
  if (res.headersSent) {
    res.end();
    return;
  }
  const headers = api.code === 429 ? { 'Retry-After': '1' } : {};
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  sendJson(res, api.code, api.status());
}

/** Resolves after `ms` (0: at once). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
