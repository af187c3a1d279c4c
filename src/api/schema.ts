/**
 * The parts of a CustomResourceDefinition that the generators read: a
 * structural openAPIV3Schema and the names, columns and versions around it.
 * Hand-written rather than taken from @kubernetes/client-node because only
 * src/kube/ may import the client.
 */

/** One `x-kubernetes-validations` entry: a CEL rule and what to say when it is false. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
}

/** A structural schema node (apiextensions.k8s.io/v1 JSONSchemaProps, the fields we use). */
export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  /** The schema of every value of a map (an object without properties). */
  additionalProperties?: SchemaNode;
  maxProperties?: number;
  /** An integer or a string (a resource quantity). */
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: ValidationRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** A printer column of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** One version of a CRD. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: SchemaNode };
  subresources?: { status?: object };
  additionalPrinterColumns?: PrinterColumn[];
}

/** A CustomResourceDefinition as read from crds/. */
export interface Crd {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: {
      kind: string;
      listKind?: string;
      plural: string;
      singular?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: CrdVersion[];
  };
}

/** The storage version of `crd`; throws when there is none, which only a broken file can cause. */
export function storageVersion(crd: Crd): CrdVersion {
  const v = crd.spec.versions.find((x) => x.storage);
  if (!v) throw new Error(`CRD ${crd.metadata.name} has no storage version`);
  return v;
}
