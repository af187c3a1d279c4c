/**
 * The apimachinery types whose JSON is not their protobuf message: times
 * (a Timestamp message, RFC 3339 text in JSON), quantities (a message
 * holding the string), int-or-string, and managed fields (raw JSON bytes).
 */
import { BinaryReader } from '@bufbuild/protobuf/wire';

/** What a well-known type decodes to. */
export type WellKnown = (bytes: Uint8Array) => unknown;

/** The fields of a message as raw values by number (the last occurrence wins, as in Go). */
function fieldsOf(bytes: Uint8Array): Map<number, bigint | string | Uint8Array> {
  const reader = new BinaryReader(bytes);
  const out = new Map<number, bigint | string | Uint8Array>();
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    if (wire === 0) out.set(no, BigInt(reader.int64()));
    else if (wire === 2) out.set(no, reader.bytes());
    else reader.skip(wire, no);
  }
  return out;
}

function text(v: unknown): string {
  return v instanceof Uint8Array ? new TextDecoder().decode(v) : '';
}

function int(v: unknown): number {
  return typeof v === 'bigint' ? Number(BigInt.asIntN(64, v)) : 0;
}

/** `meta.v1.Time` and `MicroTime` (a Timestamp: seconds 1, nanos 2); `digits` of the fraction. */
function time(digits: 0 | 6): WellKnown {
  return (bytes) => {
    // The zero time is an empty message, and `null` in Go's JSON (a pod template's creationTimestamp).
    if (bytes.length === 0) return null;
    const f = fieldsOf(bytes);
    const seconds = int(f.get(1));
    const nanos = int(f.get(2));
    const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
    if (digits === 0) return `${whole}Z`;
    return `${whole}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
  };
}

/** Decoders of the well-known message types, by table name. */
export const WELL_KNOWN: Record<string, WellKnown> = {
  'meta.Time': time(0),
  'meta.MicroTime': time(6),
  // FieldsV1 carries its JSON as bytes in field 1.
  'meta.FieldsV1': (bytes) => {
    const raw = fieldsOf(bytes).get(1);
    return raw instanceof Uint8Array && raw.length ? (JSON.parse(text(raw)) as unknown) : {};
  },
  // Quantity: the canonical string in field 1.
  'resource.Quantity': (bytes) => text(fieldsOf(bytes).get(1)),
  // IntOrString: type 1 (0 int, 1 string), intVal 2, strVal 3.
  'intstr.IntOrString': (bytes) => {
    const f = fieldsOf(bytes);
    return int(f.get(1)) === 1 ? text(f.get(3)) : int(f.get(2));
  },
};
