/**
 * Validation of rendered objects against the schemas the API server would
 * use, offline, for the packaging tests.
 *
 * - Built-in kinds: the `kubernetes-models` class of the apiVersion and kind
 *   (`validate()`: the Kubernetes OpenAPI schema compiled with ajv: types,
 *   required fields, enums, formats). That schema allows unknown fields, as
 *   the API server's OpenAPI does; the server refuses them with
 *   `fieldValidation=Strict` (kubectl's default). So every field name is also
 *   looked up in the type of its parent, from the generated models of
 *   `@kubernetes/client-node` (their `attributeTypeMap`): a misspelt field is
 *   a problem, as `kubectl apply` would make it.
 * - SchemaMigration and Organization: the CRDs in crds/, through the
 *   devcluster's admission (src/devcluster/validation.ts): pruning (an
 *   unknown field is a problem, as with strict validation), defaults, the
 *   schema's keywords and the CEL rules.
 * - ServiceMonitor (prometheus-operator) and Argo CD's Application: the
 *   models of `@kubernetes-models/prometheus-operator` and
 *   `@kubernetes-models/argo-cd`, generated from those projects' CRD schemas:
 *   types, required fields, enums and patterns (a ServiceMonitor interval
 *   such as `often` is refused). Unknown fields are NOT found for these two
 *   kinds: their schemas allow them and no typed model lists their fields.
 * - Any other kind is a problem ("no schema"): nothing passes unchecked.
 */
import * as clientNode from '@kubernetes/client-node';
import * as argoCd from '@kubernetes-models/argo-cd';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import * as kubernetesModels from 'kubernetes-models';
import { loadCrds } from '../../../src/api/index.js';
import { formatFieldError, prepareCustomResource } from '../../../src/devcluster/validation.js';
import type { Obj } from './render.js';

/** A kubernetes-models class: built from plain data, `validate()` throws a ValidationError. */
interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: Obj): { validate(): void };
}

/** One field of a client-node model. */
interface Attribute {
  baseName: string;
  type: string;
}

/** Returns the problems the API server's schema would find in an object; none means valid. */
export type SchemaCheck = (obj: Obj) => string[];

/** `apiVersion/kind` → model class, for every kind of the three model packages. */
function modelRegistry(): Map<string, ModelClass> {
  const out = new Map<string, ModelClass>();
  const walk = (ns: unknown, depth: number): void => {
    if (depth > 3 || ns === null || typeof ns !== 'object') return;
    for (const value of Object.values(ns)) {
      const m = value as Partial<ModelClass>;
      if (typeof value === 'function' && typeof m.apiVersion === 'string' && m.kind)
        out.set(`${m.apiVersion}/${m.kind}`, value as ModelClass);
      else walk(value, depth + 1);
    }
  };
  for (const pkg of [kubernetesModels, argoCd, prometheusOperator]) walk(pkg, 0);
  return out;
}

/** Kinds checked by a model generated from a third-party CRD: unknown fields go unnoticed. */
const THIRD_PARTY = new Set([
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
  'argoproj.io/v1alpha1/Application',
]);

/** The fields of a client-node model, or undefined for a leaf type. */
function attributesOf(type: string): Attribute[] | undefined {
  const model = (clientNode as unknown as Record<string, { attributeTypeMap?: Attribute[] }>)[type];
  return model?.attributeTypeMap;
}

/**
 * Paths of fields that the type `type` (a client-node model name, `Array<T>`
 * or `{ [key: string]: T; }`) does not have.
 */
export function unknownFields(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [];
    return value.flatMap((v, i) => unknownFields(v, array[1]!, `${path}[${i}]`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([k, v]) => unknownFields(v, map[1]!, `${path}[${k}]`));
  }
  const attributes = attributesOf(type);
  if (!attributes || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const byName = new Map(attributes.map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([k, v]) => {
    const child = path === '' ? k : `${path}.${k}`;
    const t = byName.get(k);
    return t === undefined ? [`unknown field "${child}"`] : unknownFields(v, t, child);
  });
}

/** The client-node model name of a built-in kind: `apps/v1` Deployment → `V1Deployment`. */
function clientNodeType(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1)!;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`;
}

/** The ajv messages of a kubernetes-models validation, or none. */
function modelProblems(model: ModelClass, obj: Obj): string[] {
  try {
    new model(obj).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

/** Loads the CRDs of crds/ and returns the check described at the top of this file. */
export async function loadSchemaCheck(): Promise<SchemaCheck> {
  const models = modelRegistry();
  const crdSchemas = new Map<string, object>();
  for (const crd of await loadCrds()) {
    for (const v of crd.spec.versions) {
      const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
      crdSchemas.set(key, v.schema!.openAPIV3Schema as object);
    }
  }
  return (obj) => {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const crdSchema = crdSchemas.get(key);
    if (crdSchema) {
      const r = prepareCustomResource({ schema: crdSchema, obj, strict: true });
      return [
        ...r.unknownFields.map((p) => `unknown field "${p}"`),
        ...r.errors.map(formatFieldError),
      ];
    }
    const model = models.get(key);
    if (!model) return [`no schema for ${key}: add one to test/packaging/schemas.ts`];
    const problems = modelProblems(model, obj);
    if (THIRD_PARTY.has(key)) return problems;
    const type = clientNodeType(String(obj.apiVersion), String(obj.kind));
    if (!attributesOf(type)) return [...problems, `no field list for ${key} (${type})`];
    return [...problems, ...unknownFields(obj, type, '')];
  };
}
