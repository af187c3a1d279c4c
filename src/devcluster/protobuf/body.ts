/**
 * A protobuf request body as the handler needs it: decoded into the same
 * object a JSON body gives, so it takes the one create/update path
 * (validation, admission, the kinds' rules), or the Status kube-apiserver
 * answers when it cannot be.
 */
import { ApiError, badRequest, unsupportedMediaType } from '../errors.js';
import type { KubeObject } from '../object.js';
import { ProtobufDecodeError } from './decode.js';
import {
  decodeDeleteOptions,
  decodeObject,
  PROTOBUF_MEDIA_TYPE,
  UnsupportedKindError,
  type DecodeOptions,
} from './envelope.js';

/** The media types an object body may have, as a 415 lists them. */
export const ACCEPTED_BODIES = `application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`;

/**
 * Decodes the protobuf body of a write whose endpoint takes `expected` (the
 * type when the envelope names none); 415 for a kind without tables, 400 when malformed.
 */
export function protobufBody(body: Buffer, expected: DecodeOptions): KubeObject {
  try {
    return decodeObject(body, expected);
  } catch (err) {
    if (err instanceof UnsupportedKindError)
      throw unsupportedMediaType(PROTOBUF_MEDIA_TYPE, 'application/json, application/yaml');
    if (err instanceof ProtobufDecodeError) throw badRequest(err.message);
    if (err instanceof ApiError) throw err;
    throw badRequest(`malformed protobuf body: ${(err as Error).message}`);
  }
}

/** Decodes the protobuf DeleteOptions of a DELETE; 400 when malformed. */
export function protobufDeleteOptions(body: Buffer): Record<string, unknown> {
  try {
    return decodeDeleteOptions(body);
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw badRequest(err.message);
    throw err;
  }
}
