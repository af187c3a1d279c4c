/**
 * Preloaded with `node --import` into a CLI run: records which of the
 * project's compiled files the process loaded and writes them, one path
 * relative to dist/src a line, to the file MODULE_TRACE_FILE names when the
 * process exits. The start-up tests use it to check that a command loads
 * only what it needs.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.MODULE_TRACE_FILE;
const loaded: string[] = [];
const SRC = '/dist/src/';

registerHooks({
  load(url, context, nextLoad) {
    const at = url.indexOf(SRC);
    if (url.startsWith('file:') && at >= 0) loaded.push(url.slice(at + SRC.length));
    return nextLoad(url, context);
  },
});

process.on('exit', () => {
  if (out) writeFileSync(out, loaded.join('\n') + '\n');
});
