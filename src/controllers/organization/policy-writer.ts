/**
 * Writes of a class's objects (ResourceQuota, LimitRange, NetworkPolicy,
 * RoleBinding) over the API, counted in
 * `schema_operator_organization_policy_writes_total` and, for objects put
 * back after someone else changed or deleted them,
 * `schema_operator_organization_policy_repairs_total`.
 *
 * A create that finds the name taken reads the object: one with this org's
 * labels is ours (the cache has not seen it yet), anything else is a
 * conflict the caller reports; it is never overwritten.
 */
import {
  ConflictError,
  NotFoundError,
  type KubeObject,
  type ResourceClient,
} from '../../kube/index.js';
import type { OperatorMetrics } from '../../observability/index.js';
import { ORG_LABEL } from './policy-objects.js';
import { conflictMessage, objectId, ownedBy, type PolicyOp } from './policy-plan.js';

/** Writes one planned op; returns a conflict message when the name is held by someone else. */
export interface PolicyWriter {
  write(op: PolicyOp, o: { repair: boolean }): Promise<string | undefined>;
}

/** The API clients of the managed kinds, by kind. */
export type PolicyClients = Record<
  'ResourceQuota' | 'LimitRange' | 'NetworkPolicy' | 'RoleBinding',
  ResourceClient<KubeObject>
>;

/** Options of {@link policyWriter}. */
export interface PolicyWriterOptions {
  clients: PolicyClients;
  metrics?: OperatorMetrics;
}

/** A PolicyWriter over `o.clients`. */
export function policyWriter(o: PolicyWriterOptions): PolicyWriter {
  const client = (obj: KubeObject) => {
    const c = o.clients[obj.kind as keyof PolicyClients];
    if (!c) throw new Error(`no client for kind ${obj.kind}`);
    return c;
  };
  const count = (kind: string, operation: string, repair: boolean) => {
    o.metrics?.organizationPolicyWrites.inc({ kind, operation });
    if (repair && operation !== 'delete') o.metrics?.organizationPolicyRepairs.inc({ kind });
  };
  return {
    async write(op, { repair }) {
      const obj = op.object;
      const kind = obj.kind!;
      const key = { namespace: obj.metadata.namespace, name: obj.metadata.name! };
      switch (op.op) {
        case 'create':
          try {
            await client(obj).create(obj);
          } catch (err) {
            if (!(err instanceof ConflictError && err.reason === 'AlreadyExists')) throw err;
            const cur = await client(obj).find(key);
            const orgId = obj.metadata.labels?.[ORG_LABEL] ?? '';
            if (cur && ownedBy(cur, orgId)) return undefined;
            return conflictMessage(objectId(obj), cur);
          }
          count(kind, 'create', repair);
          return undefined;
        case 'update':
          // A 409 (someone wrote since the cache saw it) is thrown: the retry decides again.
          await client(obj).replace(obj);
          count(kind, 'update', repair);
          return undefined;
        case 'delete':
          try {
            await client(obj).delete(key, { resourceVersion: obj.metadata.resourceVersion });
            count(kind, 'delete', repair);
          } catch (err) {
            if (!(err instanceof NotFoundError)) throw err;
          }
          return undefined;
      }
    },
  };
}
