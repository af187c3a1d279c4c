/**
 * The Organization controller's namespace writes over the API, counted in
 * `schema_operator_organization_namespace_operations_total`. Deleting a
 * namespace that is already gone is not an error (NamespaceWriter's contract).
 */
import { NotFoundError, type KubeObject, type ResourceClient } from '../../kube/index.js';
import type { OperatorMetrics } from '../../observability/index.js';
import type { NamespaceWriter } from './deps.js';

/** Options of {@link namespaceWriter}. */
export interface NamespaceWriterOptions {
  client: ResourceClient<KubeObject>;
  metrics?: OperatorMetrics;
}

/** A NamespaceWriter over `o.client`. */
export function namespaceWriter(o: NamespaceWriterOptions): NamespaceWriter {
  const ops = o.metrics?.organizationNamespaceOps;
  return {
    create: async (obj) => {
      const created = await o.client.create(obj);
      ops?.inc({ operation: 'create' });
      return created;
    },
    patch: async (name, patch) => {
      const patched = await o.client.mergePatch({ name }, patch);
      ops?.inc({ operation: 'patch' });
      return patched;
    },
    delete: async (name) => {
      try {
        await o.client.delete({ name });
        ops?.inc({ operation: 'delete' });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },
  };
}
