/**
 * Adding and removing the Organization finalizer over the API. An add is
 * remembered per uid: our patch reaches the informer cache a moment later,
 * and a reconcile in between must not send it again. Removing it from an
 * object already gone is not an error.
 */
import type { Organization } from '../../api/index.js';
import {
  addFinalizer,
  NotFoundError,
  removeFinalizer,
  type KubeObject,
  type ResourceClient,
} from '../../kube/index.js';
import { ORG_FINALIZER } from './deps.js';

/** The finalizer writes OrganizationDeps needs, plus forgetting a deleted object. */
export interface FinalizerWriter {
  /** Adds the finalizer unless this process added it to this uid already; returns the object as stored. */
  add(org: Organization): Promise<Organization>;
  /** Removes the finalizer (no call when absent; an object already gone is fine). */
  remove(org: Organization): Promise<void>;
  /** Forgets a deleted object's uid. */
  forget(org: KubeObject): void;
}

/** A FinalizerWriter over `client`. */
export function finalizerWriter(client: ResourceClient<Organization>): FinalizerWriter {
  const added = new Set<string>();
  return {
    async add(org) {
      const uid = org.metadata.uid ?? '';
      if (added.has(uid)) return org;
      const stored = await addFinalizer(client, org as Organization, ORG_FINALIZER);
      added.add(uid);
      return stored;
    },
    async remove(org) {
      try {
        await removeFinalizer(client, org as Organization, ORG_FINALIZER);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },
    forget(org) {
      added.delete(org.metadata?.uid ?? '');
    },
  };
}
