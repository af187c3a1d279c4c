/**
 * The cheap look of a resync: the ledger's stamp on a (pooled) session, one
 * query, no lock. Reads nothing else and writes nothing.
 */
import { withSession } from './connection-source.js';
import { ledgerStamp } from './ledger-stamp.js';
import { resolveOptions, type RunOptions } from './options.js';

/**
 * A pooled session may have gone half-open while idle (a NAT, a failover):
 * the stamp query gives up this soon, and the reconcile runs in full on a
 * new session.
 */
const STAMP_TIMEOUT_MS = 5_000;

/** The ledger's current stamp (null: no ledger); throws ConnectionError like a run. */
export async function readLedgerStamp(o: RunOptions): Promise<string | null> {
  const opts = resolveOptions(o);
  return withSession(opts.connection, { ...opts, queryTimeoutMs: STAMP_TIMEOUT_MS }, (c) =>
    ledgerStamp(c, opts.ledger),
  );
}
