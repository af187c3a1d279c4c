/**
 * Typed engine errors. Each carries the condition `reason` that the operator
 * writes to status and whether it is transient (worth retrying by itself).
 * PostgreSQL and socket errors are translated into these once, in
 * `connection.ts` and `executor.ts`; callers never match on message text.
 */

/** The reasons a run can fail, as written to the `Failed` condition. */
export type FailureReason =
  | 'SQLError'
  | 'ChecksumMismatch'
  | 'OutOfOrder'
  | 'ConnectionError'
  | 'LockTimeout'
  | 'LockBusy'
  | 'InvalidSource'
  | 'ExistingSchema'
  | 'InvalidDatabaseURL'
  | 'DatabaseHostNotAllowed'
  | 'Conflict'
  | 'DeadlineExceeded'
  | 'Cancelled';

/** Base class: a failure with a reason and a transient flag. */
export class EngineError extends Error {
  readonly reason: FailureReason;
  readonly transient: boolean;

  constructor(
    reason: FailureReason,
    message: string,
    opts: { transient?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.reason = reason;
    this.transient = opts.transient ?? false;
  }
}

/** A migration source that cannot be used: bad file name, encoding, directive, duplicate. */
export class InvalidSourceError extends EngineError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super('InvalidSource', message);
  }
}

/** The database cannot be reached, or the connection was lost. */
export class ConnectionError extends EngineError {
  constructor(message: string, cause?: unknown) {
    super('ConnectionError', message, { transient: true, cause });
  }
}

/**
 * The run was stopped by its AbortSignal: its deadline passed
 * (`DeadlineExceeded`, the signal's reason a `TimeoutError`) or its caller
 * cancelled it (`Cancelled`). The statement in flight was cancelled and the
 * connection closed; nothing more runs. Transient: a later run may succeed.
 */
export class RunAbortedError extends EngineError {
  constructor(reason: 'DeadlineExceeded' | 'Cancelled', message: string, cause?: unknown) {
    super(reason, message, { transient: true, cause });
  }
}

/** Another session holds the migration lock for longer than the bounded wait. */
export class LockBusyError extends EngineError {
  constructor(
    message: string,
    readonly holder: string | null,
  ) {
    super('LockBusy', message, { transient: true });
  }
}

/** An applied migration whose file has changed since. */
export interface ChecksumChange {
  version: string;
  name: string;
  applied: string;
  current: string;
}

/**
 * Applied migrations were edited (beyond comments and whitespace): nothing
 * runs until the files are restored or repaired. `notes` say why a repair
 * that was asked for did not happen (e.g. the annotation names another checksum).
 */
export class ChecksumMismatchError extends EngineError {
  constructor(
    readonly changes: ChecksumChange[],
    readonly notes: string[] = [],
  ) {
    super(
      'ChecksumMismatch',
      [
        ...changes.map(
          (c) =>
            `applied migration ${c.version}_${c.name} was changed: ` +
            `the database recorded ${c.applied}, the file now has ${c.current}`,
        ),
        ...notes,
      ].join('; ') + `; ${repairHint(changes[0])}`,
    );
  }
}

/** How to get past a mismatch: restore the file, or record the edit as intended. */
function repairHint(c: ChecksumChange | undefined): string {
  const v = c?.version ?? 'V';
  const sum = c?.current ?? '<checksum>';
  return (
    'restore the file, or if the edit is intended run ' +
    `"schema-operator repair --version ${v} --reason TEXT --dir DIR" or annotate the ` +
    `SchemaMigration schema.streamspace.io/repair=${v}:${sum} with ` +
    'schema.streamspace.io/repair-reason=TEXT'
  );
}

/** A repair that cannot be made (unknown version, baseline row, no reason...); nothing was written. */
export class RepairRefusedError extends EngineError {
  constructor(message: string) {
    super('InvalidSource', message);
  }
}

/** Pending migrations older than the newest applied one, without `outOfOrder`. */
export class OutOfOrderError extends EngineError {
  constructor(
    readonly versions: string[],
    readonly highestApplied: string,
  ) {
    super(
      'OutOfOrder',
      `pending migration(s) ${versions.join(', ')} are older than the newest applied ` +
        `version ${highestApplied}; allow them with --out-of-order (policy.outOfOrder)`,
    );
  }
}

/** A non-empty database with no ledger, and neither baseline nor adoptExisting chosen. */
export class ExistingSchemaError extends EngineError {
  constructor(readonly relations: string[]) {
    super(
      'ExistingSchema',
      `the schema already has tables (${relations.join(', ')}) but no migration history; ` +
        'choose --baseline VERSION (policy.baseline) to mark what exists as applied, ' +
        'or --adopt-existing (policy.adoptExisting) to run re-runnable migrations over it',
    );
  }
}

/**
 * The ledger is recorded as another owner's, who may not be replaced. The
 * message does not name the owner (it may belong to someone the caller must
 * not learn about); `owner` carries it for the caller to decide what to say.
 */
export class LedgerOwnedError extends EngineError {
  constructor(
    ledger: string,
    readonly owner: string,
  ) {
    super('Conflict', `the migration history ${ledger} is managed by another owner`);
  }
}

/** Where and why one migration failed. */
export interface MigrationFailure {
  version: string;
  name: string;
  file: string;
  sqlState: string | null;
  message: string;
  statement: string | null;
  line: number | null;
  attempts: number;
}

/** A migration failed and was rolled back (or, without a transaction, stopped at a statement). */
export class MigrationFailedError extends EngineError {
  constructor(
    readonly failure: MigrationFailure,
    reason: 'SQLError' | 'LockTimeout' | 'ConnectionError',
    transient: boolean,
    cause?: unknown,
  ) {
    const where = failure.line ? `${failure.file}:${failure.line}` : failure.file;
    const state = failure.sqlState ? ` (SQLSTATE ${failure.sqlState})` : '';
    super(reason, `while applying ${where}: ${failure.message}${state}`, { transient, cause });
  }
}
