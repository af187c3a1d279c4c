/**
 * The reference rows of the start-up benchmarks (noop, wait): bare Node,
 * and psql connecting and counting schema-operator's ledger, the least any
 * tool must do to find out where a database stands.
 */
import { timedOk } from './proc.js';
import type { Row } from './rounds.js';
import { PSQL, ours } from './tools.js';

/** `node -e 0` on the benchmark's own Node, and psql counting the ledger at `url`. */
export function startupReferences(url: string): { node: Row; psql: Row } {
  return {
    node: {
      label: 'reference: node -e 0',
      run: () => timedOk('node', process.execPath, ['-e', '0']),
    },
    psql: {
      label: 'reference: psql, connect + count the ledger',
      run: () =>
        timedOk('psql', PSQL, ['-X', '-q', '-d', url, '-c', `SELECT count(*) FROM ${ours.ledger}`]),
    },
  };
}
