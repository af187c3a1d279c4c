/**
 * The run's one session, shared by the files it applies: the engine's own
 * rows are written as the connection's user whatever role a file switched
 * to, and what a file set on the session ends with the file, as psql's
 * session per file would end.
 */
import type pg from 'pg';
import { SESSION_SETUP } from './connection.js';

/** Back to the connection's own user, role and settings (advisory locks stay). */
const RESET_SESSION = `SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL; ${SESSION_SETUP}`;

/** Resets the session to how the connection started it. */
export async function resetSession(c: Pick<pg.ClientBase, 'query'>): Promise<void> {
  await c.query(RESET_SESSION);
}

/**
 * Runs `write` as the connection's user and commits: `SET LOCAL` undoes
 * itself at COMMIT, so the file's role and session authorization come back.
 * `open`: a transaction is already open (and is committed here); otherwise
 * one is begun. Rolls back and rethrows when anything fails.
 */
export async function asRunner(
  c: Pick<pg.ClientBase, 'query'>,
  open: boolean,
  write: () => Promise<void>,
): Promise<void> {
  try {
    if (!open) await c.query('BEGIN');
    await c.query('SET LOCAL SESSION AUTHORIZATION DEFAULT; SET LOCAL ROLE NONE');
    await write();
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
