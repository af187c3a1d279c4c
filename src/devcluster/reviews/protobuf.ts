/**
 * Protobuf bodies of the review kinds, which kubectl (1.32 on) sends as
 * `application/vnd.kubernetes.protobuf`: the `k8s\0` envelope
 * (runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw) around the
 * object, decoded by field number with the tables below (from
 * kubernetes/api authorization/v1 and authentication/v1 generated.proto).
 * Go writes every non-pointer string even when empty; JSON omits those
 * (`omitempty`), so empty strings are dropped here.
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { badRequest } from '../errors.js';

/** A message's fields by number: a string, a nested message, or a repeated one of those. */
type Field =
  | { name: string; type: 'string' | 'strings' }
  | { name: string; type: 'message' | 'messages'; of: Table };
type Table = Readonly<Record<number, Field>>;

/** The part of ObjectMeta a review carries (names only; the rest is skipped). */
const OBJECT_META: Table = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
};

const SELECTOR_REQUIREMENT: Table = {
  1: { name: 'key', type: 'string' },
  2: { name: 'operator', type: 'string' },
  3: { name: 'values', type: 'strings' },
};

const SELECTOR_ATTRIBUTES: Table = {
  1: { name: 'rawSelector', type: 'string' },
  2: { name: 'requirements', type: 'messages', of: SELECTOR_REQUIREMENT },
};

const RESOURCE_ATTRIBUTES: Table = {
  1: { name: 'namespace', type: 'string' },
  2: { name: 'verb', type: 'string' },
  3: { name: 'group', type: 'string' },
  4: { name: 'version', type: 'string' },
  5: { name: 'resource', type: 'string' },
  6: { name: 'subresource', type: 'string' },
  7: { name: 'name', type: 'string' },
  8: { name: 'fieldSelector', type: 'message', of: SELECTOR_ATTRIBUTES },
  9: { name: 'labelSelector', type: 'message', of: SELECTOR_ATTRIBUTES },
};

const NON_RESOURCE_ATTRIBUTES: Table = {
  1: { name: 'path', type: 'string' },
  2: { name: 'verb', type: 'string' },
};

/** Top-level tables by kind; status is never read (the server writes it). */
const KINDS: Readonly<Record<string, Table>> = {
  SelfSubjectAccessReview: {
    1: { name: 'metadata', type: 'message', of: OBJECT_META },
    2: {
      name: 'spec',
      type: 'message',
      of: {
        1: { name: 'resourceAttributes', type: 'message', of: RESOURCE_ATTRIBUTES },
        2: { name: 'nonResourceAttributes', type: 'message', of: NON_RESOURCE_ATTRIBUTES },
      },
    },
  },
  SelfSubjectRulesReview: {
    1: { name: 'metadata', type: 'message', of: OBJECT_META },
    2: { name: 'spec', type: 'message', of: { 1: { name: 'namespace', type: 'string' } } },
  },
  SelfSubjectReview: { 1: { name: 'metadata', type: 'message', of: OBJECT_META } },
};

const ENVELOPE = Buffer.from('k8s\0', 'latin1');

function decode(bytes: Uint8Array, table: Table): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wire] = r.tag();
    const field = table[no];
    if (!field || wire !== WireType.LengthDelimited) {
      r.skip(wire, no);
      continue;
    }
    switch (field.type) {
      case 'string': {
        const s = r.string();
        if (s !== '') out[field.name] = s;
        break;
      }
      case 'strings':
        ((out[field.name] ??= []) as string[]).push(r.string());
        break;
      case 'message':
        out[field.name] = decode(r.bytes(), field.of);
        break;
      case 'messages':
        ((out[field.name] ??= []) as object[]).push(decode(r.bytes(), field.of));
        break;
    }
  }
  return out;
}

/** The review object in a protobuf body; 400 when it is not one of `kind`. */
export function decodeReview(body: Buffer, kind: string): Record<string, unknown> {
  const table = KINDS[kind];
  if (!table) throw new TypeError(`no protobuf table for ${kind}`);
  if (!body.subarray(0, ENVELOPE.length).equals(ENVELOPE))
    throw badRequest('provided object is not a protobuf message: missing the k8s envelope');
  try {
    // runtime.Unknown: the object's own bytes are field 2 (`raw`); its typeMeta is what the path says.
    const r = new BinaryReader(body.subarray(ENVELOPE.length));
    let raw: Uint8Array = new Uint8Array();
    while (r.pos < r.len) {
      const [no, wire] = r.tag();
      if (no === 2 && wire === WireType.LengthDelimited) raw = r.bytes();
      else r.skip(wire, no);
    }
    return decode(raw, table);
  } catch (err) {
    throw badRequest(`error decoding protobuf: ${(err as Error).message}`);
  }
}
