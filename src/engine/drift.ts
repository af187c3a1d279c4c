/**
 * Drift: how the live schema differs from the fingerprint recorded after the
 * last run. Pure, so every description is unit-tested without a database.
 */
import type { Fingerprint } from './fingerprint.js';

/** One object that differs. */
export interface DriftItem {
  kind: 'added' | 'removed' | 'changed';
  /** `column app.sessions.org_id` */
  object: string;
  /** `column app.sessions.org_id: type varchar -> text` */
  description: string;
}

/** Every difference, sorted by object key so messages are stable. */
export function diffFingerprints(recorded: Fingerprint, live: Fingerprint): DriftItem[] {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(live)])].sort();
  const out: DriftItem[] = [];
  for (const object of keys) {
    const was = recorded[object];
    const now = live[object];
    if (was === now) continue;
    if (was === undefined) out.push({ kind: 'added', object, description: `${object}: added` });
    else if (now === undefined)
      out.push({ kind: 'removed', object, description: `${object}: removed` });
    else
      out.push({
        kind: 'changed',
        object,
        description: `${object}: ${changeOf(object, was, now)}`,
      });
  }
  return out;
}

/** `type varchar -> text` when only the type moved; the whole definition otherwise. */
function changeOf(object: string, was: string, now: string): string {
  if (!object.startsWith('column ')) return `${was} -> ${now}`;
  const w = splitColumn(was);
  const n = splitColumn(now);
  const parts: string[] = [];
  if (w.type !== n.type) parts.push(`type ${w.type} -> ${n.type}`);
  if (w.rest !== n.rest) parts.push(`${w.rest || '(none)'} -> ${n.rest || '(none)'}`);
  return parts.join(', ');
}

/** A column definition is `<type>[ not null][ default ...]`; other kinds have no type part. */
function splitColumn(def: string): { type: string; rest: string } {
  const i = def.search(/ (not null|default )/);
  return i < 0 ? { type: def, rest: '' } : { type: def.slice(0, i), rest: def.slice(i + 1) };
}

/** `a; b; c (and 4 more)`: at most `limit` descriptions, for a condition message. */
export function driftMessage(items: readonly DriftItem[], limit = 10): string {
  const shown = items.slice(0, limit).map((i) => i.description);
  const more = items.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}
