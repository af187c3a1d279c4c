/**
 * The plan hash: what an approval names. It covers exactly what a run would
 * do (each pending file's version and checksum, the target, and the applied
 * version the run starts from), so an approval given for one plan approves
 * no other: an edited file, a new file, a new target or a database that
 * moved on meanwhile all give a new hash. Table sizes are left out on
 * purpose: they move by themselves, and an approval must not expire with them.
 */
import { createHash } from 'node:crypto';
import type { Plan } from './plan.js';

/** Hex digits kept: short enough to type in an annotation, long enough never to collide by chance. */
const HASH_LENGTH = 16;

/** What the hash covers, as plain data. */
export interface PlanHashInput {
  files: Array<{ version: string; checksum: string }>;
  target: string | null;
  from: string | null;
}

/** The hash of a plan's pending files, its target and the version it starts from. */
export function planHash(p: Plan, target?: string): string {
  return hashOf({
    files: p.pending.map((m) => ({ version: m.version, checksum: m.checksum })),
    target: target ?? null,
    from: p.highestApplied,
  });
}

/** The hash of the input; JSON keeps every field's boundaries unambiguous. */
export function hashOf(i: PlanHashInput): string {
  const canonical = JSON.stringify({
    files: i.files.map((f) => [f.version, f.checksum]),
    target: i.target,
    from: i.from,
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, HASH_LENGTH);
}
