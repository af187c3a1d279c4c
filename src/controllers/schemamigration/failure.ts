/**
 * Engine errors as status failures and Events: the one place that turns a
 * thrown error into a condition reason, a failure record and an Event reason.
 */
import {
  MigrationConditions,
  isConditionTrue,
  type MigrationFailure,
  type SchemaMigrationStatus,
} from '../../api/index.js';
import {
  ChecksumMismatchError,
  EngineError,
  LockBusyError,
  MigrationFailedError,
} from '../../engine/index.js';

/** Reasons beyond the engine's: the operator's own failures. */
export type OperatorReason = 'SecretNotFound' | 'Conflict' | 'InternalError';

/** A failure with its reason, whether it waits for a change, and the Event to record. */
export interface Classified {
  failure: Omit<MigrationFailure, 'since'>;
  terminal: boolean;
  event: 'MigrationFailed' | 'ChecksumMismatch' | 'LockBusy';
}

/** An operator-level failure (no engine error behind it). */
export function operatorFailure(
  reason: OperatorReason,
  message: string,
  terminal: boolean,
): Classified {
  return { failure: { reason, message }, terminal, event: 'MigrationFailed' };
}

/**
 * Classifies anything a run threw. Unknown errors (not the engine's) are
 * `InternalError`, never mistaken for a connection failure; they are
 * transient: retried with backoff, never a stall.
 */
export function classify(err: unknown): Classified {
  if (err instanceof MigrationFailedError) {
    const f = err.failure;
    return {
      failure: {
        reason: err.reason,
        version: f.version,
        name: f.name,
        message: err.message,
        ...(f.sqlState ? { sqlState: f.sqlState } : {}),
        ...(f.statement ? { statement: f.statement } : {}),
        ...(f.line ? { line: f.line } : {}),
        attempts: f.attempts,
      },
      terminal: !err.transient,
      event: 'MigrationFailed',
    };
  }
  if (err instanceof EngineError) {
    const event =
      err instanceof ChecksumMismatchError
        ? 'ChecksumMismatch'
        : err instanceof LockBusyError
          ? 'LockBusy'
          : 'MigrationFailed';
    return {
      failure: { reason: err.reason, message: err.message },
      terminal: !err.transient,
      event,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    failure: { reason: 'InternalError', message },
    terminal: false,
    event: 'MigrationFailed',
  };
}

/**
 * Failures that say nothing about the schema, only that it could not be
 * looked at just now: the database unreachable or lost, the migration lock
 * busy or timed out, the reconcile's deadline, and an error the operator
 * could not classify (as before it had its own reason: it says nothing
 * known about the schema).
 */
export const TRANSIENT_REASONS: ReadonlySet<string> = new Set([
  'ConnectionError',
  'InternalError',
  'LockBusy',
  'LockTimeout',
  'DeadlineExceeded',
]);

/**
 * Whether `c` leaves a Ready schema Ready (finding 10 of issue 13): a
 * transient failure while `status` says Ready for generation `gen`. A domain
 * failure (SQL error, checksum mismatch, ...) never does.
 */
export function keepsReady(status: SchemaMigrationStatus, c: Classified, gen: number): boolean {
  return (
    !c.terminal &&
    TRANSIENT_REASONS.has(c.failure.reason) &&
    status.observedGeneration === gen &&
    isConditionTrue(status.conditions, MigrationConditions.Ready, gen)
  );
}
