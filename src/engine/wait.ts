/**
 * Waiting for a database to reach a version, for init containers: polls the
 * ledger (no lock, read-only) until a row at or past the version exists and,
 * when the source is known, every migration up to it is applied. A database
 * that is not up yet is waited for too.
 */
import { checkAborted, sleepUnlessAborted } from './abort.js';
import { withConnection } from './connection.js';
import { EngineError } from './errors.js';
import { DEFAULT_LEDGER, qualified, type LedgerTable, type Queryable } from './ledger.js';
import { backoffDelay, realSleep, type Sleep } from './retry.js';
import type { Migration } from './source.js';
import { compareVersions, versionKey } from './version.js';

/** What to wait for. */
export interface WaitOptions {
  url: string;
  version: string;
  timeoutMs: number;
  ledger?: LedgerTable;
  /** When given, every one of these at or below `version` must be in the ledger. */
  migrations?: Migration[];
  sleep?: Sleep;
  /** Stops the wait (RunAbortedError), a look in flight included. */
  signal?: AbortSignal;
  /** Called after each look, with what is still missing (null when the database could not be read). */
  onPoll?: (state: WaitState) => void;
}

/** What one look found. */
export interface WaitState {
  satisfied: boolean;
  highestApplied: string | null;
  error: string | null;
}

/** Resolves true once satisfied, false when the timeout passes first. */
export async function waitForVersion(o: WaitOptions): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  const sleep = o.sleep ?? realSleep;
  // A look at a server that stopped answering ends at the deadline too.
  const expired = AbortSignal.timeout(Math.max(1, o.timeoutMs));
  const lookSignal = o.signal ? AbortSignal.any([o.signal, expired]) : expired;
  for (let attempt = 0; ; attempt++) {
    checkAborted(o.signal);
    const state = await look(o, lookSignal);
    o.onPoll?.(state);
    if (state.satisfied) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleepUnlessAborted(
      sleep,
      Math.min(left, backoffDelay(attempt, { baseMs: 200, capMs: 2_000 })),
      o.signal,
    );
  }
}

async function look(o: WaitOptions, signal: AbortSignal): Promise<WaitState> {
  try {
    const rows = await withConnection(
      { url: o.url, applicationName: 'schema-operator wait', signal },
      (c) => appliedVersions(c, o.ledger ?? DEFAULT_LEDGER),
    );
    const applied = rows ?? [];
    const highest = applied.reduce<string | null>(
      (max, r) => (max === null || compareVersions(r.version, max) > 0 ? r.version : max),
      null,
    );
    const reached = highest !== null && compareVersions(highest, o.version) >= 0;
    return { satisfied: reached && allThere(o, applied), highestApplied: highest, error: null };
  } catch (err) {
    checkAborted(o.signal);
    if (!(err instanceof EngineError) || !err.transient) throw err;
    return { satisfied: false, highestApplied: null, error: err.message };
  }
}

/** Whether every migration of the source up to the version is in the ledger (true without a source). */
function allThere(o: WaitOptions, applied: AppliedVersion[]): boolean {
  const wanted = (o.migrations ?? []).filter((m) => compareVersions(m.version, o.version) <= 0);
  if (wanted.length === 0) return true;
  const keys = new Set(applied.map((r) => versionKey(r.version)));
  const baseline = applied.find((r) => r.kind === 'baseline');
  return wanted
    .filter((m) => !baseline || compareVersions(m.version, baseline.version) > 0)
    .every((m) => keys.has(versionKey(m.version)));
}

/** What a look needs of each ledger row. */
interface AppliedVersion {
  version: string;
  kind: string;
}

/** SQLSTATEs of a ledger that is not there yet: undefined_table, invalid_schema_name. */
const NO_LEDGER = new Set(['42P01', '3F000']);

/**
 * The version and kind of every ledger row, or null when there is no ledger
 * yet. One query, two short columns: an init container polls this, and the
 * whole rows (timestamps to parse, a look-up of the table first) cost it a
 * round trip and most of its time on a ledger of a thousand rows.
 */
async function appliedVersions(c: Queryable, t: LedgerTable): Promise<AppliedVersion[] | null> {
  try {
    const { rows } = await c.query<AppliedVersion>(`SELECT version, kind FROM ${qualified(t)}`);
    return rows;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && NO_LEDGER.has(code)) return null;
    throw err;
  }
}
