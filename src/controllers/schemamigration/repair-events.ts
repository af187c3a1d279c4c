/** The Events of the repair annotation: `Repaired` per repair made, `RepairRefused` per unreadable entry. */
import type { SchemaMigration } from '../../api/index.js';
import type { RepairRecord } from '../../engine/index.js';
import { subject, type SchemaMigrationDeps } from './deps.js';

/** Records the repair Events of `obj`. */
export function repairEvents(deps: Pick<SchemaMigrationDeps, 'events'>, obj: SchemaMigration) {
  return {
    async repaired(r: RepairRecord): Promise<void> {
      await deps.events.record(
        subject(obj),
        'Normal',
        'Repaired',
        `repaired ${r.version}: the ledger had ${r.oldChecksum}, now ${r.newChecksum} (${r.reason})`,
      );
    },
    async malformed(messages: string[]): Promise<void> {
      for (const m of messages)
        await deps.events.record(subject(obj), 'Warning', 'RepairRefused', m);
    },
  };
}
