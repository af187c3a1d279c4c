/**
 * The protobuf body kube-apiserver accepts (`application/vnd.kubernetes.protobuf`):
 * the 4-byte magic `k8s\0`, then a `runtime.Unknown` (typeMeta 1 with
 * apiVersion 1 and kind 2; raw 2, the object's own message; contentEncoding 3;
 * contentType 4). The object's message carries no TypeMeta: it comes from the
 * envelope.
 */
import { BinaryReader } from '@bufbuild/protobuf/wire';
import type { KubeObject } from '../object.js';
import { decodeMessage, ProtobufDecodeError } from './decode.js';
import { messageOfKind } from './schema.js';

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A protobuf body of a kind the tables do not hold (kube-apiserver: 415 for a custom resource). */
export class UnsupportedKindError extends Error {
  override readonly name = 'UnsupportedKindError';
}

/** What `decodeObject` falls back to when the envelope names no type. */
export interface DecodeOptions {
  apiVersion: string;
  kind: string;
}

/** The envelope's parts. */
interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function unwrap(body: Buffer): Unknown {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw new ProtobufDecodeError('provided data does not appear to be a protobuf message');
  const out: Unknown = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '' };
  const reader = new BinaryReader(body.subarray(MAGIC.length));
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (no === 1) {
      const meta = new BinaryReader(reader.bytes());
      while (meta.pos < meta.len) {
        const [n, w] = meta.tag();
        if (n === 1) out.apiVersion = meta.string();
        else if (n === 2) out.kind = meta.string();
        else meta.skip(w, n);
      }
    } else if (no === 2) out.raw = reader.bytes();
    else if (no === 3) out.contentEncoding = reader.string();
    else reader.skip(wire, no);
  }
  return out;
}

/** Runs a decoding step, turning what the wire reader throws into a ProtobufDecodeError. */
function guarded<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof ProtobufDecodeError) throw err;
    throw new ProtobufDecodeError(`malformed protobuf body: ${(err as Error).message}`);
  }
}

function envelopeOf(body: Buffer): Unknown {
  const envelope = guarded(() => unwrap(body));
  if (envelope.contentEncoding !== '')
    throw new ProtobufDecodeError(`unsupported content encoding ${envelope.contentEncoding}`);
  return envelope;
}

/** Decodes a protobuf request body into the object the same JSON body would be. */
export function decodeObject(body: Buffer, fallback: DecodeOptions): KubeObject {
  const envelope = envelopeOf(body);
  const apiVersion = envelope.apiVersion || fallback.apiVersion;
  const kind = envelope.kind || fallback.kind;
  const name = messageOfKind(apiVersion, kind);
  if (!name) throw new UnsupportedKindError(`no protobuf decoding for ${apiVersion}, Kind=${kind}`);
  const fields = guarded(() => decodeMessage(name, envelope.raw));
  return { apiVersion, kind, metadata: { name: '' }, ...fields } as KubeObject;
}

/**
 * Decodes the DeleteOptions body of a DELETE. Typed clients send it in the
 * group version of the resource (`v1`, `apps/v1`): the kind alone names it.
 */
export function decodeDeleteOptions(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const envelope = envelopeOf(body);
  if (envelope.kind !== '' && envelope.kind !== 'DeleteOptions')
    throw new ProtobufDecodeError(`expected DeleteOptions, got ${envelope.kind}`);
  return guarded(() => decodeMessage('meta.DeleteOptions', envelope.raw));
}
