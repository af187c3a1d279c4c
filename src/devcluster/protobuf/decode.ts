/**
 * Decodes a protobuf message into the JSON object the same Go struct
 * marshals to, driven by the field tables of `schema.ts`: field numbers
 * become JSON names, zero scalars go where Go's `omitempty` drops them,
 * inlined (embedded) messages merge into their parent. Unknown field numbers
 * are skipped, as the generated Go unmarshallers skip them.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { isScalar, message, type Field, type Scalar } from './schema.js';
import { WELL_KNOWN } from './wellknown.js';

/** A body the tables cannot decode (bad wire data, a message the tables do not hold). */
export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
}

type Json = Record<string, unknown>;

/** Decodes `bytes` as the message `name` into its JSON form. */
export function decodeMessage(name: string, bytes: Uint8Array): Json {
  const fields = message(name);
  if (!fields) throw new ProtobufDecodeError(`no table for message ${name}`);
  const out: Json = {};
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    const field = fields.get(no);
    if (!field) {
      reader.skip(wire, no);
      continue;
    }
    if (field.map) {
      const [key, value] = mapEntry(field, reader.bytes());
      const map = (out[field.json] ??= {}) as Json;
      // An own property even for a key like `__proto__`, as JSON.parse makes it.
      Object.defineProperty(map, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (field.repeated) {
      const list = (out[field.json] ??= []) as unknown[];
      if (isScalar(field.type) && wire === WireType.LengthDelimited && packable(field.type)) {
        // A packed run of varints (proto3 style); the Go unmarshaller accepts both forms.
        const packed = new BinaryReader(reader.bytes());
        while (packed.pos < packed.len) list.push(scalar(field.type, packed));
      } else list.push(value(field, reader));
    } else if (field.inline) {
      Object.assign(out, value(field, reader));
    } else {
      const v = value(field, reader);
      if (v === undefined || (!field.keepZero && isZero(v))) delete out[field.json];
      else out[field.json] = v;
    }
  }
  return out;
}

function packable(type: Scalar): boolean {
  return type !== 's' && type !== 'bytes';
}

function value(field: Field, reader: BinaryReader): unknown {
  if (isScalar(field.type)) return scalar(field.type, reader);
  const bytes = reader.bytes();
  const known = WELL_KNOWN[field.type];
  return known ? known(bytes) : decodeMessage(field.type, bytes);
}

function scalar(type: Scalar, reader: BinaryReader): unknown {
  switch (type) {
    case 's':
      return reader.string();
    case 'b':
      return reader.bool();
    case 'i32':
      return reader.int32();
    case 'i64':
      return Number(reader.int64());
    case 'f64':
      return reader.double();
    case 'bytes':
      return Buffer.from(reader.bytes()).toString('base64');
  }
}

/** A map entry: key 1 (a string in every Kubernetes map), value 2. */
function mapEntry(field: Field, bytes: Uint8Array): [string, unknown] {
  const reader = new BinaryReader(bytes);
  let key = '';
  let v: unknown = isScalar(field.type) ? zeroOf(field.type) : {};
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (no === 1) key = reader.string();
    else if (no === 2) v = value({ ...field, map: false }, reader);
    else reader.skip(wire, no);
  }
  return [key, v];
}

function zeroOf(type: Scalar): unknown {
  if (type === 's' || type === 'bytes') return '';
  return type === 'b' ? false : 0;
}

function isZero(v: unknown): boolean {
  return v === '' || v === false || v === 0;
}
