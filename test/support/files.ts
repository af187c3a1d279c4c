/** Temporary migration directories for tests, removed when the run ends. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'schema-operator-test-'));
let counter = 0;

/** A new directory holding `files` (name to content). */
export function migrationDir(files: Record<string, string | Uint8Array>): string {
  const dir = join(root, `m${++counter}`);
  mkdirSync(dir);
  writeFiles(dir, files);
  return dir;
}

/** Writes (or overwrites) files in `dir`. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

/** Removes every directory made by this run. */
export function removeTempFiles(): void {
  rmSync(root, { recursive: true, force: true });
}
