/** A SchemaMigration's spec as engine run options. */
import type { SchemaMigration } from '../../api/index.js';
import {
  DEFAULTS,
  parseDuration,
  type LedgerTable,
  type Migration,
  type RunOptions,
} from '../../engine/index.js';

/** The ledger table the CR names, with the CRD's defaults. */
export function ledgerOf(obj: SchemaMigration): LedgerTable {
  return {
    schema: obj.spec.historyTable?.schema ?? 'public',
    name: obj.spec.historyTable?.name ?? 'schema_operator_history',
  };
}

/** Engine options for one run of `obj` against `url`. */
export function runOptions(
  obj: SchemaMigration,
  url: string,
  migrations: Migration[],
  appliedBy: string,
): RunOptions {
  const p = obj.spec.policy ?? {};
  const ms = (d: string | undefined, fallback: number) => (d ? parseDuration(d) : fallback);
  return {
    url,
    migrations,
    ledger: ledgerOf(obj),
    target: obj.spec.targetVersion,
    outOfOrder: p.outOfOrder ?? false,
    baseline: p.baseline?.version,
    adoptExisting: p.adoptExisting ?? false,
    lockTimeoutMs: ms(p.lockTimeout, DEFAULTS.lockTimeoutMs),
    statementTimeoutMs: ms(p.statementTimeout, DEFAULTS.statementTimeoutMs),
    // The operator never waits long for another run: LockBusy is retried by the queue instead.
    lockWaitMs: 5_000,
    maxRetries: p.maxRetries ?? DEFAULTS.maxRetries,
    appliedBy,
    applicationName: `schema-operator ${obj.metadata?.namespace}/${obj.metadata?.name}`,
    driftSchemas: obj.spec.drift?.schemas ?? [],
  };
}

/** The shortest drift interval: a catalog read per second per CR is the most we allow. */
export const MIN_DRIFT_INTERVAL_MS = 1_000;

/** spec.drift.interval in ms (default 10m, at least 1s); 0 turns the drift check off. */
export function driftIntervalMs(obj: SchemaMigration): number {
  const text = obj.spec.drift?.interval ?? '10m';
  if (text === '0') return 0;
  return Math.max(MIN_DRIFT_INTERVAL_MS, parseDuration(text));
}
