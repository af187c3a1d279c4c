/**
 * The checks kube-apiserver makes on an applied configuration before it
 * merges it: an object of the URL's kind and version, named as the URL, in
 * the URL's namespace, without managedFields.
 */
import { badRequest } from '../errors.js';
import { isRecord, type KubeObject } from '../object.js';
import { apiVersionOf, type ResourceType } from '../resources.js';

/** The applied configuration as kube-apiserver accepts it: an object of this kind, named as the URL. */
export function checkApplied(
  t: ResourceType,
  ns: string,
  name: string,
  config: unknown,
): KubeObject {
  if (!isRecord(config))
    throw badRequest('error decoding YAML: the apply configuration is not an object');
  const meta = isRecord(config.metadata) ? config.metadata : {};
  if (typeof config.apiVersion !== 'string' || typeof config.kind !== 'string' || !config.kind) {
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(config)}'`);
  }
  if (config.apiVersion !== apiVersionOf(t) || config.kind !== t.kind) {
    throw badRequest(
      `the apply configuration is a ${config.kind} of ${config.apiVersion}, the URL is of ${t.kind} in ${apiVersionOf(t)}`,
    );
  }
  if (meta.name !== undefined && meta.name !== name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  if (t.namespaced && meta.namespace !== undefined && meta.namespace !== ns) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  if (meta.managedFields !== undefined && meta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  return { ...config, metadata: { ...meta, name } } as KubeObject;
}
