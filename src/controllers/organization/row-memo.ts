/**
 * What this process last wrote for each Organization's row, so that the
 * wake-ups which follow a write (the namespace it created appearing in the
 * cache, its SchemaMigration's status moving) do not send the same upsert
 * again. An entry serves only the same row, to the same database handle,
 * under the same `retry` annotation, for `ttlMs` after the write: after
 * that, and at every resync, the row is written again, so a row changed or
 * deleted by hand comes back as it did before (at the next reconcile after
 * the entry expired; the retry annotation at once).
 */
import type { OrgDatabase, OrgRow } from './sql.js';

/** How long a write stands in for the next ones: half the informers' 10-minute resync. */
export const ROW_MEMO_TTL_MS = 5 * 60_000;

interface Entry {
  db: OrgDatabase;
  signature: string;
  at: number;
}

/** The last row written per Organization key. */
export class RowMemo {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly nowMs: () => number = Date.now,
    private readonly ttlMs = ROW_MEMO_TTL_MS,
  ) {}

  /** True when `row` was written to `db` for `key` under `retry` less than the TTL ago. */
  fresh(key: string, db: OrgDatabase, row: OrgRow, retry: string | undefined): boolean {
    const e = this.entries.get(key);
    if (!e || e.db !== db || e.signature !== signature(row, retry)) return false;
    if (this.nowMs() - e.at < this.ttlMs) return true;
    this.entries.delete(key);
    return false;
  }

  /** Notes that `row` is in `db` as written (or found already so). */
  remember(key: string, db: OrgDatabase, row: OrgRow, retry: string | undefined): void {
    this.entries.set(key, { db, signature: signature(row, retry), at: this.nowMs() });
  }

  /** Forgets `key` (a conflict, an error, a deletion, an org gone). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Entries kept (for tests). */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Everything the upsert writes or decides by. `adoptUnrecorded` is left
 * out: it only matters for a row not yet recorded, and once this process
 * wrote the row it is recorded.
 */
function signature(row: OrgRow, retry: string | undefined): string {
  return JSON.stringify([
    row.id,
    row.name,
    row.displayName,
    row.description,
    row.namespace,
    row.status,
    row.uid,
    retry ?? null,
  ]);
}
