/**
 * The Organization controller's metrics: row outcomes counted by a wrapper
 * around an OrgDatabase (`schema_operator_organization_row_writes_total`,
 * so sql.ts stays free of metrics), and Organizations counted by phase.
 */
import type { Organization } from '../../api/index.js';
import type { OperatorMetrics } from '../../observability/index.js';
import type { OrgDatabase } from './sql.js';

/** `db` counting its row outcomes; `db` itself without metrics. */
export function countedDatabase(
  db: OrgDatabase,
  metrics: OperatorMetrics | undefined,
): OrgDatabase {
  if (!metrics) return db;
  const rows = metrics.organizationRows;
  return {
    upsert: async (row) => {
      const r = await db.upsert(row);
      rows.inc({ outcome: r.outcome });
      return r;
    },
    markDeleted: async (id, uid) => {
      const marked = await db.markDeleted(id, uid);
      if (marked) rows.inc({ outcome: 'marked-deleted' });
      return marked;
    },
    references: async (id) => {
      const refs = await db.references(id);
      if (refs.length > 0) rows.inc({ outcome: 'delete-blocked' });
      return refs;
    },
    deleteRow: async (id, uid) => {
      const r = await db.deleteRow(id, uid);
      rows.inc({ outcome: r.outcome === 'blocked' ? 'delete-blocked' : r.outcome });
      return r;
    },
    end: () => db.end(),
  };
}

/** The count of Organizations by phase, for the phase gauge. */
export function phaseCounts(orgs: readonly Organization[]): Map<string, number> {
  const phases = new Map<string, number>();
  for (const o of orgs) {
    const phase = o.status?.phase ?? 'Unknown';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
  }
  return phases;
}
