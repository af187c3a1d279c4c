/**
 * Pod changes that can end (or start) a contract migration's wait wake its
 * SchemaMigration: a pod naming it appears, goes, or changes what it
 * declares (the annotations, its gate, its deletion). Only CRs whose
 * contract migration waits are woken (the reconciler says which, as soon as
 * it holds one), so a running fleet's pod churn costs nothing. No polling:
 * the shared pod informer is the only trigger, and its resync the backstop.
 */
import type { Informer } from '../../kube/index.js';
import { valueChanged } from '../event-filters.js';
import { hasReadyGate, type GatedPod } from '../pod-annotations.js';
import { migrationKeys, podsNaming } from '../pod-informer.js';
import type { SchemaMigrationDeps } from './deps.js';

/** What a pod declares that a contract check reads; status updates leave it alone. */
const declarationChanged = valueChanged((p: GatedPod) => [
  p.metadata?.annotations,
  hasReadyGate(p),
  p.metadata?.deletionTimestamp,
]);

/** Registers the pod handlers; returns the reconciler's two pod dependencies. */
export function watchContractPods(o: {
  pods: Informer<GatedPod>;
  wake(key: string): void;
}): Required<Pick<SchemaMigrationDeps, 'podsNaming' | 'contractWaiting'>> {
  const waiting = new Set<string>();
  const wake = (p: GatedPod) => {
    for (const key of migrationKeys(p)) if (waiting.has(key)) o.wake(key);
  };
  o.pods.on({
    add: wake,
    update: (old, p) => {
      if (!declarationChanged(old, p)) return;
      wake(old);
      wake(p);
    },
    delete: wake,
  });
  return {
    podsNaming: (key) => podsNaming(o.pods, key),
    contractWaiting: (key, isWaiting) => {
      if (isWaiting) waiting.add(key);
      else waiting.delete(key);
    },
  };
}
