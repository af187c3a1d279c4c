/**
 * Which SchemaMigration a database's ledger belongs to. The claim is the
 * ledger's recorded owner (engine/owner.ts), written by a run under the
 * migration lock, so:
 *
 * - only a CR that connected can claim: a wrong password, a URL that leads
 *   nowhere, claim nothing and put no one else in Conflict;
 * - the owner is `namespace/name`: a CR deleted and re-created under the
 *   same name (as GitOps tools do) is the same owner, and the claim survives
 *   operator restarts;
 * - a CR that reaches a ledger recorded for another CR that still exists is
 *   refused with Conflict; a ledger whose owner is gone passes to the next CR
 *   that runs, as does one recorded before owners were (no owner row);
 * - what a status or Event says never names a CR of another namespace: a
 *   tenant must not learn who else uses a database through its own CR.
 */
import type { SchemaMigration } from '../../api/index.js';
import { LedgerOwnedError, type LedgerClaim } from '../../engine/index.js';
import { operatorFailure, type Classified } from './failure.js';

/** How often a CR in Conflict looks again (the owner may be deleted meanwhile). */
export const CONFLICT_RECHECK_MS = 30_000;

/** Answers whether a SchemaMigration `namespace/name` exists now (a live read, not a cache). */
export type SchemaMigrationExists = (key: string) => Promise<boolean>;

/** The owner string recorded for `obj`: `namespace/name`. */
export function ownerOf(obj: SchemaMigration): string {
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}

/** The claim a run of `obj` makes: its owner, replacing only an owner that no longer exists. */
export function claimFor(obj: SchemaMigration, exists: SchemaMigrationExists): LedgerClaim {
  const owner = ownerOf(obj);
  return {
    owner,
    mayReplace: async (previous) => previous !== owner && !(await exists(previous)),
  };
}

/**
 * The Conflict failure for `err` when it is a ledger held by another CR,
 * else undefined. Names the other CR only when it is in `obj`'s namespace.
 */
export function claimConflict(obj: SchemaMigration, err: unknown): Classified | undefined {
  if (!(err instanceof LedgerOwnedError)) return undefined;
  return operatorFailure('Conflict', conflictMessage(obj, err.owner), true);
}

/** The words of a Conflict: the other CR by name in the same namespace, else anonymous. */
export function conflictMessage(obj: SchemaMigration, owner: string): string {
  const [ns, name] = splitOwner(owner);
  const who =
    ns === obj.metadata.namespace && name
      ? `SchemaMigration ${name} (in this namespace)`
      : 'another SchemaMigration';
  return `${who} already manages this database and history table; only one SchemaMigration may, and this one is refused until that one is deleted`;
}

function splitOwner(owner: string): [string, string | undefined] {
  const i = owner.indexOf('/');
  return i < 0 ? [owner, undefined] : [owner.slice(0, i), owner.slice(i + 1)];
}
