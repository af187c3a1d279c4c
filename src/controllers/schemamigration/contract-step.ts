/**
 * After a successful run: what status, Events and metrics say about a
 * contract migration that waits (or no longer does). One Event on the CR per
 * change of the blocking set, compared with the stored status so a restart
 * does not repeat it; one Event on each pod that newly deadlocks.
 */
import { blockingSignature, contractStatus, deadlockMessage, waitMessage } from './contract.js';
import type { ContractWait } from './contract.js';
import { labelsOf, subject, type Attempt, type SchemaMigrationDeps } from './deps.js';

/** Sets status.contract and ContractPending on `a.st` for `wait` (undefined: nothing waits). */
export async function reportContract(
  deps: SchemaMigrationDeps,
  a: Attempt,
  wait: ContractWait | undefined,
  held: string[],
): Promise<void> {
  const labels = labelsOf(a.obj);
  deps.contractWaiting?.(a.key, !!wait);
  deps.metrics?.contractWaiting.set(labels, wait ? held.length : 0);
  deps.metrics?.contractBlockingPods.set(labels, wait?.blocking.length ?? 0);
  const old = a.obj.status?.contract;
  if (!wait) {
    a.st.noContractWaiting();
    return;
  }
  const now = contractStatus(wait, held);
  const message = waitMessage(wait);
  a.st.contractWaiting(now, message);
  if (blockingSignature(old) !== blockingSignature(now))
    await deps.events.record(subject(a.obj), 'Normal', 'ContractWaiting', message);
  const before = new Set(old?.deadlockedPods ?? []);
  for (const p of wait.deadlocked) {
    if (before.has(p.name)) continue;
    await deps.events.record(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: a.obj.metadata.namespace, uid: p.uid },
      },
      'Warning',
      'ContractDeadlock',
      deadlockMessage(wait, a.key),
    );
  }
}
