/**
 * The workload controllers of kube-controller-manager, inside the
 * devcluster: Deployments make ReplicaSets, ReplicaSets make pods (see
 * deployment.ts, replicaset.ts, gc.ts). Event-driven from the store's own
 * change feed: a change enqueues the objects it concerns (a deleted owner,
 * its dependents) and one `setImmediate` drains the queue, so nothing runs
 * while no Deployment or ReplicaSet changes, and a pod without an owning
 * ReplicaSet costs one lookup.
 */
import type { ObjectApi } from '../api.js';
import type { KubeObject } from '../object.js';
import type { ResourceType } from '../resources.js';
import type { StoreEvent } from '../store.js';
import { reconcileDeployment } from './deployment.js';
import { collectDependents } from './gc.js';
import { controllerOf } from './owners.js';
import { reconcileReplicaSet, type WorkloadTypes } from './replicaset.js';

/** Passes over the queue before giving up on one drain: a guard against a write loop. */
const MAX_PASSES = 100;

/** The running workload controllers; `dispose()` stops them. */
export class WorkloadControllers {
  private readonly deployments = new Set<string>();
  private readonly replicaSets = new Set<string>();
  /** Deleted owners whose dependents are still to be deleted, with the type of those. */
  private readonly deletedOwners: Array<{ owner: KubeObject; dependents: ResourceType }> = [];
  private pending: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly api: ObjectApi,
    private readonly types: WorkloadTypes,
  ) {}

  /** Starts following the store's changes. */
  start(): void {
    this.api.onChange((t, ev) => this.observe(t, ev));
  }

  /** Stops for good: queued work is dropped. */
  dispose(): void {
    this.stopped = true;
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
  }

  private observe(t: ResourceType, ev: StoreEvent): void {
    if (this.stopped) return;
    const { pods, replicaSets, deployments } = this.types;
    const o = ev.object;
    if (t.storageKey === pods.storageKey) return this.owner(o, 'ReplicaSet', this.replicaSets);
    if (t.storageKey === replicaSets.storageKey) {
      if (ev.type === 'DELETED') this.collect(o, pods);
      else this.enqueue(this.replicaSets, o);
      return this.owner(o, 'Deployment', this.deployments);
    }
    if (t.storageKey === deployments.storageKey) {
      if (ev.type === 'DELETED') this.collect(o, replicaSets);
      else this.enqueue(this.deployments, o);
    }
  }

  /** Enqueues the controller of `o` when it is of `kind`. */
  private owner(o: KubeObject, kind: string, queue: Set<string>): void {
    const ref = controllerOf(o);
    if (ref?.kind !== kind) return;
    queue.add(`${o.metadata.namespace ?? ''}/${ref.name}`);
    this.schedule();
  }

  /** Deletes the dependents later, as the garbage collector does: never inside the owner's delete. */
  private collect(owner: KubeObject, dependents: ResourceType): void {
    this.deletedOwners.push({ owner, dependents });
    this.schedule();
  }

  private enqueue(queue: Set<string>, o: KubeObject): void {
    queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    this.schedule();
  }

  private schedule(): void {
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      this.drain();
    });
  }

  /** Reconciles until nothing is queued; writes made here enqueue the next step. */
  private drain(): void {
    for (let pass = 0; pass < MAX_PASSES && !this.stopped; pass++) {
      const idle =
        this.deletedOwners.length === 0 &&
        this.deployments.size === 0 &&
        this.replicaSets.size === 0;
      if (idle) return;
      for (const { owner, dependents } of this.deletedOwners.splice(0))
        collectDependents(this.api, owner, dependents);
      this.run(this.deployments, reconcileDeployment);
      this.run(this.replicaSets, reconcileReplicaSet);
    }
  }

  private run(
    queue: Set<string>,
    reconcile: (api: ObjectApi, t: WorkloadTypes, ns: string, name: string) => void,
  ): void {
    const keys = [...queue];
    queue.clear();
    for (const key of keys) {
      const slash = key.indexOf('/');
      try {
        reconcile(this.api, this.types, key.slice(0, slash), key.slice(slash + 1));
      } catch {
        // A refused write (a terminating namespace, an admission policy): the next change retries.
      }
    }
  }
}
