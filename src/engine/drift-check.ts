/**
 * The drift check: one session (RunOptions.connection, or a new connection), the stored fingerprint and one catalog
 * read. Takes no lock and writes nothing, like `inspect`.
 */
import { withSession } from './connection-source.js';
import { diffFingerprints, type DriftItem } from './drift.js';
import { readFingerprint, readStoredFingerprint } from './fingerprint.js';
import { resolveOptions, type RunOptions } from './options.js';

/** What the check found. */
export interface DriftReport {
  /** False when no run has recorded a fingerprint yet: nothing to compare with. */
  recorded: boolean;
  /** When the compared fingerprint was recorded. */
  takenAt: Date | null;
  items: DriftItem[];
}

/** Compares the live schema with the fingerprint recorded after the last run. */
export async function checkDrift(o: RunOptions): Promise<DriftReport> {
  const opts = resolveOptions(o);
  return withSession(opts.connection, opts, async (c) => {
    const stored = await readStoredFingerprint(c, opts.ledger);
    if (!stored) return { recorded: false, takenAt: null, items: [] };
    const live = await readFingerprint(c, opts.ledger, opts.driftSchemas);
    return {
      recorded: true,
      takenAt: stored.takenAt,
      items: diffFingerprints(stored.objects, live),
    };
  });
}
