/**
 * The settings of a run, shared by migrate, plan and status, with the
 * defaults of DESIGN section 2.
 */
import { hostname, userInfo } from 'node:os';
import type { ConnectionSource } from './connection-source.js';
import type { AllowedHosts } from './database-hosts.js';
import { DEFAULT_LEDGER, type LedgerTable } from './ledger.js';
import type { LintFinding } from './lint.js';
import type { TlsMaterial } from './pg-config.js';
import type { LedgerClaim } from './owner.js';
import type { Sleep } from './retry.js';
import type { HoldContract, Plan } from './plan.js';
import type { RepairRequest } from './repair.js';
import type { Migration } from './source.js';
import type { TableSize } from './table-size.js';

/** Defaults: lock_timeout 5 s, statement_timeout 30 min, 60 s wait for the migration lock, 10 retries. */
export const DEFAULTS = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 30 * 60_000,
  lockWaitMs: 60_000,
  maxRetries: 10,
} as const;

/** What an approve hook may read from the run's database, on the run's connection. */
export interface ApprovalDatabase {
  /** Row and size estimates of the named tables (see table-size.ts). */
  tableSizes(names: string[]): Promise<Map<string, TableSize>>;
  /** Lint findings of these pending files (lint.ts pendingFindings, with this database's pg_proc). */
  lint(pending: Migration[]): Promise<LintFinding[]>;
}

/** What a run is asked to do. */
export interface RunOptions {
  url: string;
  /** TLS material from the Secret beside the URL (ca.crt, tls.crt, tls.key), as data. */
  tls?: TlsMaterial;
  /** Hosts the run may connect to (`run --allowed-database-hosts`); undefined allows any. */
  allowedHosts?: AllowedHosts;
  migrations: Migration[];
  ledger?: LedgerTable;
  /** Apply nothing past this version. */
  target?: string;
  outOfOrder?: boolean;
  /**
   * Holds a pending contract migration (DESIGN section 4a): it and what
   * follows are planned as `held` and not run. Absent: nothing is held.
   */
  holdContract?: HoldContract;
  /** Record this version as applied on a database with no ledger; files at or below it never run. */
  baseline?: string;
  /** Run every migration over a non-empty database with no ledger (for re-runnable sets). */
  adoptExisting?: boolean;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** How long to wait for another run's migration lock. */
  lockWaitMs?: number;
  maxRetries?: number;
  /** Recorded in the ledger's applied_by. */
  appliedBy?: string;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  sleep?: Sleep;
  random?: () => number;
  /** Record this owner beside the ledger, refusing a ledger another owner holds (the operator's claim). */
  claim?: LedgerClaim;
  /**
   * Stops the run: the statement in flight is cancelled on the server, no
   * retry or reconnect follows, and the run throws RunAbortedError.
   */
  signal?: AbortSignal;
  /**
   * Asked with the plan, under the migration lock, after every refusal and
   * before anything is written: false stops the run there, with
   * `awaitingApproval` in its result, so what was approved is what runs.
   * Absent: every plan runs. Not asked for an empty plan.
   */
  approve?: (p: Plan, db: ApprovalDatabase) => boolean | Promise<boolean>;
  /** Schemas fingerprinted for drift besides the ledger's own (`spec.drift.schemas`). */
  driftSchemas?: string[];
  /**
   * Repairs to make under the run's lock before it plans (the operator's
   * repair annotation). One that cannot be made is named in the
   * ChecksumMismatch of its version, not thrown.
   */
  repairs?: RepairRequest[];
  /**
   * Where the run's session comes from (the operator's per-database pool,
   * session-pool.ts). Absent: a new connection per run, closed at its end.
   * Either way a lost session is closed and the retry takes a new one.
   */
  connection?: ConnectionSource;
  /** Read the ledger's stamp at the end of the run (MigrateResult.stamp), for a cheap resync later. */
  stamp?: boolean;
}

/** The options that have no default: they stay optional once resolved. */
type Unresolved =
  | 'target'
  | 'baseline'
  | 'sleep'
  | 'random'
  | 'tls'
  | 'allowedHosts'
  | 'claim'
  | 'signal'
  | 'holdContract'
  | 'approve'
  | 'repairs'
  | 'connection'
  | 'stamp';

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<RunOptions, Unresolved>> & Pick<RunOptions, Unresolved>;

/** Fills in the defaults. */
export function resolveOptions(o: RunOptions): ResolvedOptions {
  return {
    ...DEFAULTS,
    ledger: DEFAULT_LEDGER,
    outOfOrder: false,
    adoptExisting: false,
    driftSchemas: [],
    appliedBy: `${safeUser()}@${hostname()}`,
    applicationName: 'schema-operator',
    ...stripUndefined(o),
  } as ResolvedOptions;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid${process.getuid?.() ?? ''}`;
  }
}
