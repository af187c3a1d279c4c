import { expect } from 'chai';
import { EXIT, UsageError, exitCodeFor } from '../../../src/cli/exit-codes.js';
import {
  ChecksumMismatchError,
  ConnectionError,
  EngineError,
  InvalidSourceError,
  LockBusyError,
  MigrationFailedError,
  type MigrationFailure,
} from '../../../src/engine/index.js';

const failure: MigrationFailure = {
  version: '002',
  name: 'add_users',
  file: '002_add_users.sql',
  sqlState: '42P07',
  message: 'relation "users" already exists',
  statement: 'CREATE TABLE users ()',
  line: 3,
  attempts: 1,
};

describe('CLI exit codes', () => {
  it('keeps the documented numbers: 0 done, 1 failed, 2 usage, 3 transient', () =>
    expect(EXIT).to.deep.equal({ ok: 0, failed: 1, usage: 2, transient: 3 }));

  const table: Array<[string, unknown, number]> = [
    ['a bad flag', new UsageError('--target "x" is not a version'), EXIT.usage],
    ['a bad migration source', new InvalidSourceError('bad file name', 'x.sql'), EXIT.usage],
    ['an unreachable database', new ConnectionError('connection refused'), EXIT.transient],
    ['a busy lock', new LockBusyError('busy', 'pid 42'), EXIT.transient],
    ['a changed checksum', new ChecksumMismatchError([]), EXIT.failed],
    ['a failed migration', new MigrationFailedError(failure, 'SQLError', false), EXIT.failed],
    [
      'a migration that failed on a lost connection',
      new MigrationFailedError(failure, 'ConnectionError', true),
      EXIT.transient,
    ],
    ['a transient engine error', new EngineError('LockTimeout', 'x', { transient: true }), 3],
    ['an error of no known kind', new Error('boom'), EXIT.failed],
    ['a thrown string', 'boom', EXIT.failed],
  ];
  for (const [what, err, code] of table)
    it(`exits ${code} for ${what}`, () => expect(exitCodeFor(err)).to.equal(code));
});
