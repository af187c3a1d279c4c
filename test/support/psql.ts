/**
 * Real psql, the reference the engine is compared with: a file run as
 * `psql -f` (autocommit, as a no-transaction file) or `psql -1 -f` (one
 * transaction), stopping at the first error. CI installs it (.ci/run); a
 * machine without it fails these tests, saying so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** How psql finished. */
export interface PsqlResult {
  code: number | null;
  stderr: string;
}

/** The psql on PATH, else the newest under /usr/lib/postgresql; throws when there is none. */
export function psqlPath(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return onPath.stdout.trim();
  const lib = '/usr/lib/postgresql';
  const found = existsSync(lib)
    ? readdirSync(lib)
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => join(lib, v, 'bin', 'psql'))
        .find((p) => existsSync(p))
    : undefined;
  if (!found) throw new Error('psql not found: install postgresql-client (.ci/run does)');
  return found;
}

/** Runs `file` on `url` as psql would, in one transaction when `single`. */
export function runPsql(url: string, file: string, single: boolean): PsqlResult {
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(single ? ['-1'] : []), '-f', file, url];
  const r = spawnSync(psqlPath(), args, {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '' },
  });
  return { code: r.status, stderr: r.stderr };
}
