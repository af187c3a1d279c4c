/**
 * Exit codes of DESIGN section 3: 0 done, 1 a migration failed or the plan
 * is unsafe, 2 bad arguments or bad input files, 3 transient (cannot
 * connect, lock busy, wait timed out).
 */
import { EngineError, InvalidSourceError } from '../engine/errors.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, transient: 3 } as const;

/** A bad flag value or combination; exit 2. */
export class UsageError extends Error {}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof InvalidSourceError) return EXIT.usage;
  if (err instanceof EngineError) return err.transient ? EXIT.transient : EXIT.failed;
  return EXIT.failed;
}
