/**
 * The cheap look of a resync: the ledger's stamp on a (pooled) session, one
 * query, no lock. Reads nothing else and writes nothing.
 */
import { withSession } from './connection-source.js';
import { ledgerStamp } from './ledger-stamp.js';
import { resolveOptions, type RunOptions } from './options.js';

/** The ledger's current stamp (null: no ledger); throws ConnectionError like a run. */
export async function readLedgerStamp(o: RunOptions): Promise<string | null> {
  const opts = resolveOptions(o);
  return withSession(opts.connection, opts, (c) => ledgerStamp(c, opts.ledger));
}
