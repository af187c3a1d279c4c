import { expect } from 'chai';
import {
  isTransactionControl,
  nonTransactionalReason,
} from '../../../src/engine/statement-kind.js';

describe('nonTransactionalReason', () => {
  // [statement, the reason PostgreSQL gives, or null when it runs in a transaction block]
  const cases: Array<[string, string | null]> = [
    ['CREATE INDEX CONCURRENTLY i ON t (x)', 'CREATE INDEX CONCURRENTLY'],
    ['create unique index concurrently if not exists i on only t (x)', 'CREATE INDEX CONCURRENTLY'],
    ['CREATE INDEX CONCURRENTLY ON t (x)', 'CREATE INDEX CONCURRENTLY'],
    ['/* why */ CREATE INDEX -- now\n CONCURRENTLY i ON t (x)', 'CREATE INDEX CONCURRENTLY'],
    ['CREATE INDEX i ON t (x)', null],
    ['CREATE INDEX "concurrently" ON t (x)', null],
    ['CREATE INDEX i ON t (concurrently)', null],
    ['DROP INDEX CONCURRENTLY IF EXISTS i', 'DROP INDEX CONCURRENTLY'],
    ['DROP INDEX IF EXISTS i, j CASCADE', null],
    ['REINDEX INDEX CONCURRENTLY i', 'REINDEX CONCURRENTLY'],
    ['REINDEX TABLE CONCURRENTLY t', 'REINDEX CONCURRENTLY'],
    ['REINDEX (CONCURRENTLY) TABLE t', 'REINDEX CONCURRENTLY'],
    ['REINDEX (VERBOSE, CONCURRENTLY true) TABLE t', 'REINDEX CONCURRENTLY'],
    ['REINDEX (CONCURRENTLY off) TABLE t', null],
    ["REINDEX (TABLESPACE ts, CONCURRENTLY 'false') INDEX i", null],
    ['REINDEX (VERBOSE) TABLE t', null],
    ['REINDEX INDEX i', null],
    ['REINDEX SCHEMA CONCURRENTLY s', 'REINDEX CONCURRENTLY'],
    ['REINDEX SCHEMA s', 'REINDEX SCHEMA'],
    ['REINDEX DATABASE d', 'REINDEX DATABASE'],
    ['REINDEX (VERBOSE) SYSTEM', 'REINDEX SYSTEM'],
    ['VACUUM', 'VACUUM'],
    ['vacuum (analyze, verbose) t', 'VACUUM'],
    ['VACUUM FULL t', 'VACUUM'],
    ['ANALYZE t', null],
    ['CLUSTER', 'CLUSTER'],
    ['CLUSTER VERBOSE', 'CLUSTER'],
    ['CLUSTER (VERBOSE)', 'CLUSTER'],
    ['CLUSTER t USING i', null],
    ['CLUSTER VERBOSE t', null],
    ['CLUSTER (VERBOSE) t', null],
    ['CREATE DATABASE d', 'CREATE DATABASE'],
    ['DROP DATABASE IF EXISTS d WITH (FORCE)', 'DROP DATABASE'],
    ['ALTER DATABASE d SET TABLESPACE ts', 'ALTER DATABASE SET TABLESPACE'],
    ['ALTER DATABASE d WITH TABLESPACE = ts', 'ALTER DATABASE SET TABLESPACE'],
    ['ALTER DATABASE d TABLESPACE ts', 'ALTER DATABASE SET TABLESPACE'],
    ['ALTER DATABASE d SET tablespace = ts', null],
    ['ALTER DATABASE d SET tablespace TO ts', null],
    ['ALTER DATABASE d SET default_tablespace = ts', null],
    ['ALTER DATABASE d RENAME TO e', null],
    ['ALTER DATABASE d CONNECTION LIMIT 5', null],
    ["CREATE TABLESPACE ts LOCATION '/srv/ts'", 'CREATE TABLESPACE'],
    ['DROP TABLESPACE IF EXISTS ts', 'DROP TABLESPACE'],
    ['ALTER TABLESPACE ts RENAME TO tt', null],
    ["ALTER SYSTEM SET work_mem = '64MB'", 'ALTER SYSTEM'],
    ['ALTER SYSTEM RESET ALL', 'ALTER SYSTEM'],
    [
      "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p",
      'CREATE SUBSCRIPTION ... WITH (create_slot = true)',
    ],
    [
      "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (copy_data = false)",
      'CREATE SUBSCRIPTION ... WITH (create_slot = true)',
    ],
    ["CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (connect = false)", null],
    [
      "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p, q WITH (create_slot = 'off', slot_name = x)",
      null,
    ],
    [
      "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (connect = 0, create_slot)",
      'CREATE SUBSCRIPTION ... WITH (create_slot = true)',
    ],
    ['DROP SUBSCRIPTION IF EXISTS s', 'DROP SUBSCRIPTION'],
    [
      'ALTER SUBSCRIPTION s REFRESH PUBLICATION WITH (copy_data = false)',
      'ALTER SUBSCRIPTION ... REFRESH',
    ],
    ['ALTER SUBSCRIPTION s ADD PUBLICATION q', 'ALTER SUBSCRIPTION with refresh'],
    [
      'ALTER SUBSCRIPTION s SET PUBLICATION q WITH (copy_data = false)',
      'ALTER SUBSCRIPTION with refresh',
    ],
    ['ALTER SUBSCRIPTION s DROP PUBLICATION q WITH (refresh = false)', null],
    ['ALTER SUBSCRIPTION s SET (failover = true)', 'ALTER SUBSCRIPTION ... SET (failover)'],
    ['ALTER SUBSCRIPTION s SET (two_phase = false)', 'ALTER SUBSCRIPTION ... SET (two_phase)'],
    ['ALTER SUBSCRIPTION s SET (two_phase = true)', null],
    ['ALTER SUBSCRIPTION s SET (binary = true)', null],
    ['ALTER SUBSCRIPTION s DISABLE', null],
    ['ALTER TABLE t DETACH PARTITION p CONCURRENTLY', 'ALTER TABLE ... DETACH CONCURRENTLY'],
    [
      'ALTER TABLE IF EXISTS ONLY s."T" DETACH PARTITION s.p CONCURRENTLY',
      'ALTER TABLE ... DETACH CONCURRENTLY',
    ],
    ['ALTER TABLE t DETACH PARTITION p', null],
    ['ALTER TABLE t DETACH PARTITION p FINALIZE', null],
    ['ALTER TABLE t ADD COLUMN detach int', null],
    ['DISCARD ALL', 'DISCARD ALL'],
    ['DISCARD PLANS', null],
    ["COMMIT PREPARED 'tx1'", 'COMMIT PREPARED'],
    ["ROLLBACK PREPARED 'tx1'", 'ROLLBACK PREPARED'],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY mv', null],
    ['ALTER TYPE mood ADD VALUE IF NOT EXISTS $$sad$$', null],
    ["SELECT 'VACUUM'", null],
    ['', null],
  ];
  for (const [sql, reason] of cases) {
    const name = sql.replace(/\s+/g, ' ') || 'an empty statement';
    it(`${reason ? `gives "${reason}"` : 'gives none'} for ${name}`, () => {
      expect(nonTransactionalReason(sql)).to.equal(reason);
    });
  }

  it('reads a statement that still has its terminating semicolon', () => {
    expect(nonTransactionalReason('CLUSTER;')).to.equal('CLUSTER');
    expect(nonTransactionalReason('ALTER TABLE t DETACH PARTITION p CONCURRENTLY ;')).to.equal(
      'ALTER TABLE ... DETACH CONCURRENTLY',
    );
  });
});

describe('isTransactionControl', () => {
  const control = [
    'BEGIN',
    'begin work',
    'BEGIN ISOLATION LEVEL SERIALIZABLE',
    'START TRANSACTION READ ONLY',
    'COMMIT',
    'COMMIT AND CHAIN',
    'END',
    'ROLLBACK',
    'ROLLBACK TO SAVEPOINT s',
    'ABORT',
    'SAVEPOINT s',
    'RELEASE SAVEPOINT s',
    'RELEASE s',
    "PREPARE TRANSACTION 'tx1'",
    "COMMIT PREPARED 'tx1'",
    "ROLLBACK PREPARED 'tx1'",
    '/* done */ COMMIT',
  ];
  for (const sql of control) {
    it(`is true for ${sql}`, () => expect(isTransactionControl(sql)).to.equal(true));
  }

  const other = [
    'BEGIN ATOMIC SELECT 1; END',
    'PREPARE transaction AS SELECT 1',
    'PREPARE q (int) AS SELECT $1',
    'START_REPLICATION',
    'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
    'CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END',
    'SELECT 1 AS "commit"',
    '"BEGIN"',
    '-- COMMIT',
  ];
  for (const sql of other) {
    it(`is false for ${sql}`, () => expect(isTransactionControl(sql)).to.equal(false));
  }
});
