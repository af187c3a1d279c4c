/**
 * When a transient error may leave a Ready SchemaMigration Ready (issue 13,
 * finding 10): only while nothing it was Ready for has changed, namely its
 * generation, its source and its database. A new file, a new spec or a new
 * database URL is new work, and until it is done the CR is not Ready.
 */
import { createHash } from 'node:crypto';
import type { SchemaMigration } from '../../api/index.js';
import type { Migration } from '../../engine/index.js';

/**
 * What a Ready status stands for: the generation, the source's versions and
 * checksums, and the database: its URL and TLS data (hashed). The retry annotation is left out:
 * asking for another look does not change what was applied.
 */
export function readyKey(obj: SchemaMigration, database: string, migrations: Migration[]): string {
  const source = migrations.map((m) => `${m.version}:${m.checksum}:${m.transactional}`).join(',');
  return [obj.metadata?.generation, hash(source), hash(database)].join('|');
}

/**
 * Without a memory of what the CR was Ready with (after a restart): its
 * status says it reached the version the current source and spec ask for,
 * with nothing pending; or everything up to a contract migration that waits
 * for pods, the target among the held versions (they are not yet due).
 */
export function atTarget(obj: SchemaMigration, migrations: Migration[]): boolean {
  const target = obj.spec.targetVersion ?? migrations.at(-1)?.version;
  const s = obj.status;
  if (!target || s?.targetVersion !== target || s.counts?.pending) return false;
  return s.appliedVersion === target || !!s.contract?.waitingVersions.includes(target);
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}
