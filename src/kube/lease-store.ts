/**
 * Where the leader-election record lives. The elector talks to the small
 * `LeaseStore` interface; `KubeLeaseStore` keeps it in a
 * coordination.k8s.io/v1 Lease, with resourceVersion making every write
 * conditional so two candidates can never both win the same round.
 */
import { formatMicroTime, parseMicroTime } from './micro-time.js';
import type { KubeObject, ResourceClient } from './resource-client.js';

/** The leader-election record (times in epoch ms). */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: number;
  renewTime: number;
  leaseTransitions: number;
}

/** A record and the version that must be presented to replace it. */
export interface VersionedLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** Storage for one lease. `create` and `update` throw `ConflictError` when another writer got there first. */
export interface LeaseStore {
  /** A name for logs and metrics ("namespace/name"). */
  readonly description: string;
  get(): Promise<VersionedLease | undefined>;
  create(record: LeaseRecord): Promise<VersionedLease>;
  update(record: LeaseRecord, resourceVersion: string): Promise<VersionedLease>;
}

/** The Lease object's shape, as far as we use it. */
export interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** The coordination.k8s.io/v1 leases resource. */
export const leaseResource = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  namespaced: true,
};

function toRecord(obj: LeaseObject): VersionedLease {
  const s = obj.spec ?? {};
  return {
    record: {
      holderIdentity: s.holderIdentity ?? '',
      leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
      acquireTime: s.acquireTime ? parseMicroTime(s.acquireTime) : 0,
      renewTime: s.renewTime ? parseMicroTime(s.renewTime) : 0,
      leaseTransitions: s.leaseTransitions ?? 0,
    },
    resourceVersion: obj.metadata.resourceVersion ?? '',
  };
}

function toSpec(r: LeaseRecord): LeaseObject['spec'] {
  return {
    holderIdentity: r.holderIdentity || null,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime ? formatMicroTime(r.acquireTime) : null,
    renewTime: r.renewTime ? formatMicroTime(r.renewTime) : null,
    leaseTransitions: r.leaseTransitions,
  };
}

/** A `LeaseStore` on a Lease object. */
export class KubeLeaseStore implements LeaseStore {
  readonly description: string;
  constructor(
    private readonly client: ResourceClient<LeaseObject>,
    private readonly key: { namespace: string; name: string },
  ) {
    this.description = `${key.namespace}/${key.name}`;
  }

  async get(): Promise<VersionedLease | undefined> {
    const obj = await this.client.find(this.key);
    return obj && toRecord(obj);
  }

  async create(record: LeaseRecord): Promise<VersionedLease> {
    const obj = await this.client.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.key.name, namespace: this.key.namespace },
      spec: toSpec(record),
    });
    return toRecord(obj);
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<VersionedLease> {
    const obj = await this.client.replace({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.key.name, namespace: this.key.namespace, resourceVersion },
      spec: toSpec(record),
    });
    return toRecord(obj);
  }
}
