/**
 * The field tables protobuf bodies are decoded with. Each message is one
 * string of space-separated fields `number:jsonName:type[:flags]`, kept as
 * text so the tables read like the `.proto` lines they come from:
 *
 * - type: `s` string, `b` bool, `i32`, `i64`, `f64`, `bytes`, or a message
 *   `pkg.Message` (`core.PodSpec`, `meta.ObjectMeta`);
 * - flags: `r` repeated, `m` a map from string keys to values of the type,
 *   `p` a zero value stays in the JSON (a Go pointer, or no `omitempty`),
 *   `i` inlined: the message's fields land in the parent (Go embedding).
 */
import { CORE_MESSAGES } from './tables-core.js';
import { GROUP_MESSAGES } from './tables-groups.js';
import { META_MESSAGES } from './tables-meta.js';

/** Message name → its fields in the text form above. */
export type MessageTable = Record<string, string>;

/** A scalar field type. */
export type Scalar = 's' | 'b' | 'i32' | 'i64' | 'f64' | 'bytes';

/** One field of a message. */
export interface Field {
  json: string;
  /** A {@link Scalar} or a message name. */
  type: string;
  repeated: boolean;
  map: boolean;
  keepZero: boolean;
  inline: boolean;
}

/** A message: its fields by number. */
export type Message = Map<number, Field>;

const SCALARS = new Set<string>(['s', 'b', 'i32', 'i64', 'f64', 'bytes']);

/** Whether a field type is a scalar rather than a message. */
export function isScalar(type: string): type is Scalar {
  return SCALARS.has(type);
}

/** The API groups whose kinds the tables hold, by the package prefix of their messages. */
const PACKAGES: Record<string, string> = {
  v1: 'core',
  'apps/v1': 'apps',
  'rbac.authorization.k8s.io/v1': 'rbac',
  'networking.k8s.io/v1': 'networking',
  'coordination.k8s.io/v1': 'coordination',
  'events.k8s.io/v1': 'events',
  'policy/v1': 'policy',
  'authentication.k8s.io/v1': 'authentication',
};

const TEXT: MessageTable = { ...META_MESSAGES, ...CORE_MESSAGES, ...GROUP_MESSAGES };
const parsed = new Map<string, Message>();

/** The message `name`, or undefined when the tables do not hold it. */
export function message(name: string): Message | undefined {
  const cached = parsed.get(name);
  if (cached) return cached;
  const text = TEXT[name];
  if (text === undefined) return undefined;
  const fields: Message = new Map();
  for (const entry of text.split(' ')) {
    const [num, json, type, flags = ''] = entry.split(':') as [string, string, string, string?];
    fields.set(Number(num), {
      json,
      type,
      repeated: flags.includes('r'),
      map: flags.includes('m'),
      keepZero: flags.includes('p'),
      inline: flags.includes('i'),
    });
  }
  parsed.set(name, fields);
  return fields;
}

/** The message of a kind in an API version (`apps/v1`, `Deployment`), if the tables hold it. */
export function messageOfKind(apiVersion: string, kind: string): string | undefined {
  const pkg = PACKAGES[apiVersion];
  if (pkg === undefined || !/^[A-Z]\w*$/.test(kind)) return undefined;
  const name = `${pkg}.${kind}`;
  return TEXT[name] === undefined ? undefined : name;
}
