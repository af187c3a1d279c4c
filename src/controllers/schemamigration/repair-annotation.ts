/**
 * The repair annotation of a SchemaMigration as engine repair requests:
 * `schema.streamspace.io/repair: "002:sha256:<hex>[,003:sha256:<hex>]"` with
 * the reason in `schema.streamspace.io/repair-reason`. The engine makes each
 * under the run's lock before it plans, and only when the file has that
 * checksum now; one it cannot make (no reason, another checksum) is named
 * in the ChecksumMismatch the CR shows. A repair already in the ledger does
 * nothing, so the annotation may stay.
 */
import {
  REPAIR_ANNOTATION,
  REPAIR_REASON_ANNOTATION,
  type SchemaMigration,
} from '../../api/index.js';
import { isVersion, type RepairRequest } from '../../engine/index.js';

/** What the annotations ask for, and the entries that could not be read. */
export interface RepairAnnotation {
  requests: RepairRequest[];
  malformed: string[];
}

/** Reads the annotations of `obj`; nothing when there is no repair annotation. */
export function repairAnnotation(obj: SchemaMigration): RepairAnnotation {
  const a = obj.metadata?.annotations ?? {};
  const text = a[REPAIR_ANNOTATION]?.trim();
  const out: RepairAnnotation = { requests: [], malformed: [] };
  if (!text) return out;
  const reason = a[REPAIR_REASON_ANNOTATION]?.trim() ?? '';
  const by = repairedBy(obj);
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = item.indexOf(':');
    const version = at < 0 ? item : item.slice(0, at);
    const checksum = at < 0 ? '' : item.slice(at + 1);
    if (!isVersion(version) || !checksum) {
      out.malformed.push(
        `${REPAIR_ANNOTATION} entry "${item}" is not VERSION:CHECKSUM, as in 002:sha256:<hex>`,
      );
      continue;
    }
    out.requests.push({ version, reason, by, expectChecksum: checksum });
  }
  return out;
}

/** `SchemaMigration ns/name`, and the field manager that set the annotation when managedFields says. */
export function repairedBy(obj: SchemaMigration): string {
  const who = `SchemaMigration ${obj.metadata?.namespace}/${obj.metadata?.name}`;
  const manager = obj.metadata?.managedFields?.findLast((e) =>
    ownsAnnotation(e.fieldsV1, REPAIR_ANNOTATION),
  )?.manager;
  return manager ? `${who} (annotated by ${manager})` : who;
}

function ownsAnnotation(fields: Record<string, unknown> | undefined, name: string): boolean {
  const meta = fields?.['f:metadata'] as Record<string, unknown> | undefined;
  const annotations = meta?.['f:annotations'] as Record<string, unknown> | undefined;
  return !!annotations && `f:${name}` in annotations;
}
