/**
 * Named types for the built-in kinds the operator reads or writes beyond
 * their metadata, so that `KubeObject` itself needs no index signature and
 * a typo in a field name is a compile error. Only the fields used are typed.
 */
import type { KubeObject } from './resource-client.js';

/**
 * An object whose body is not typed: a manifest read from YAML, a kind the
 * operator only passes through. Prefer a named type where one fits.
 */
export type Unstructured = KubeObject & { [field: string]: unknown };

/** A core/v1 Secret: `data` values are base64; `stringData` is plain text, write-only. */
export interface SecretObject extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A core/v1 ConfigMap. */
export interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** A core/v1 Pod: its scheduling gates and phase; the rest passes through untyped. */
export interface PodObject extends KubeObject {
  spec?: { schedulingGates?: Array<{ name: string }>; [field: string]: unknown };
  status?: { phase?: string; [field: string]: unknown };
}
