import { expect } from 'chai';
import type { Organization, SchemaMigration } from '../../../../src/api/index.js';
import { planLines } from '../../../../src/cli/plugin/approve-plan.js';
import {
  migrationDetails,
  migrationHeader,
  migrationRow,
} from '../../../../src/cli/plugin/migration-rows.js';
import { organizationRow } from '../../../../src/cli/plugin/organization-rows.js';
import { age, formatTable } from '../../../../src/cli/plugin/table.js';
import { migrationName } from '../../../../src/cli/plugin/target.js';
import { UsageError } from '../../../../src/cli/exit-codes.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const created = '2026-12-07T11:00:00Z';

function smig(status: SchemaMigration['status'], name = 'app'): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name, namespace: 'shop', creationTimestamp: created },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: {} },
    status,
  };
}

const cond = (type: string, status: 'True' | 'False', reason = 'R') => ({
  type,
  status,
  reason,
  message: '',
  lastTransitionTime: created,
});

describe('kubectl schema: the status row of a SchemaMigration', () => {
  const cases: Array<[string, SchemaMigration['status'], string[]]> = [
    ['a new object with no status yet', undefined, ['app', '-', '-', '-', '-', '-', 'none', '60m']],
    [
      'a Ready one',
      {
        appliedVersion: '004',
        counts: { applied: 4, pending: 0, changed: 0, missing: 0 },
        conditions: [cond('Ready', 'True')],
      },
      ['app', 'True', '004', '0', '-', '-', 'none', '60m'],
    ],
    [
      'a failure with SQLSTATE and line',
      {
        pendingVersions: ['004', '005'],
        failure: {
          version: '004',
          name: 'x',
          reason: 'MigrationFailed',
          sqlState: '42P01',
          line: 3,
          message: 'm',
          since: created,
        },
      },
      ['app', '-', '-', '2', 'MigrationFailed 42P01 004_x.sql:3', '-', 'none', '60m'],
    ],
    [
      'a failure outside any file',
      { failure: { reason: 'DatabaseUnreachable', message: 'm', since: created } },
      ['app', '-', '-', '-', 'DatabaseUnreachable', '-', 'none', '60m'],
    ],
    [
      'a contract held by pods, deadlocked',
      { contract: { waitingVersions: ['007', '008'], blockingCount: 3, deadlockedPods: ['p'] } },
      ['app', '-', '-', '-', '-', 'holds 007, 3 pod(s), deadlock', 'none', '60m'],
    ],
    [
      'a plan waiting for approval',
      { plan: { hash: 'abcdef0123456789abcdef' } },
      ['app', '-', '-', '-', '-', '-', 'waiting abcdef012345', '60m'],
    ],
  ];
  for (const [what, status, cells] of cases)
    it(`shows ${what}`, () => expect(migrationRow(smig(status), NOW, false)).to.deep.equal(cells));

  it('adds the namespace first for -A', () => {
    expect(migrationHeader(true)[0]).to.equal('NAMESPACE');
    expect(migrationRow(smig(undefined), NOW, true)[0]).to.equal('shop');
  });

  it('details the failure, the contract and how to approve for one object', () => {
    const lines = migrationDetails(
      smig({
        failure: {
          reason: 'MigrationFailed',
          message: 'boom',
          statement: 'SELECT x',
          since: created,
        },
        contract: {
          waitingVersions: ['007'],
          neededVersion: '006',
          blockingCount: 1,
          blockingPods: [{ name: 'api-1' }],
        },
        plan: { hash: 'h' },
      }),
    );
    expect(lines).to.deep.equal([
      'failure: boom',
      'statement: SELECT x',
      'contract: 007 waits (pods need 006); pods: api-1',
      'approval: kubectl schema approve smig/app',
    ]);
  });
});

describe('kubectl schema: the row of an Organization', () => {
  const org = (
    status: Organization['status'],
    spec: Partial<Organization['spec']> = {},
  ): Organization => ({
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name: 'acme', creationTimestamp: created },
    spec: { displayName: 'Acme', ...spec },
    status,
  });

  it('shows phase, row, namespace, its state and class', () =>
    expect(
      organizationRow(
        org({
          phase: 'Active',
          namespace: 'org-acme',
          className: 'gold',
          conditions: [cond('DatabaseSynced', 'True'), cond('NamespaceReady', 'True')],
        }),
        NOW,
      ),
    ).to.deep.equal(['acme', 'Active', 'Written', 'org-acme', 'Ready', 'gold', '60m']));

  it('shows why the row is not written, and the namespace and class the spec asks for before the status has them', () =>
    expect(
      organizationRow(
        org(
          { conditions: [cond('DatabaseSynced', 'False', 'DatabaseNotReady')] },
          { namespace: 'n', className: 'c' },
        ),
        NOW,
      ),
    ).to.deep.equal(['acme', '-', 'DatabaseNotReady', 'n', '-', 'c', '60m']));
});

describe('kubectl schema: tables, ages and names', () => {
  it('aligns columns without trailing spaces', () =>
    expect(
      formatTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['x', ''],
        ],
      ),
    ).to.equal('A     LONGER\nxyz   1\nx'));

  const ages: Array<[number, string]> = [
    [5, '5s'],
    [119, '119s'],
    [600, '10m'],
    [3 * 3600, '3h'],
    [3 * 86400, '3d'],
    [800 * 86400, '2y'],
  ];
  for (const [s, text] of ages)
    it(`writes an age of ${s}s as ${text}`, () =>
      expect(age(new Date(NOW.getTime() - s * 1000).toISOString(), NOW)).to.equal(text));

  for (const arg of [
    'smig/app',
    'schemamigration/app',
    'schemamigrations.schema.streamspace.io/app',
    'app',
  ])
    it(`reads ${arg} as the SchemaMigration app`, () => expect(migrationName(arg)).to.equal('app'));

  for (const arg of ['pod/app', 'smig/', 'smig/App', 'smig/a/b'])
    it(`refuses ${arg}`, () => expect(() => migrationName(arg)).to.throw(UsageError));
});

describe('kubectl schema: the plan shown before approval', () => {
  it('lists range, files and findings with their tables', () => {
    const lines = planLines(smig(undefined), {
      hash: 'h1',
      target: '009',
      files: [{ version: '008', name: 'a', checksum: 'c' }],
      findings: [
        {
          file: '008_a.sql',
          line: 2,
          rule: 'r',
          message: 'm',
          table: 't',
          estimatedRows: 5,
          lock: 'ACCESS EXCLUSIVE',
        },
      ],
    });
    expect(lines).to.deep.equal([
      'plan h1 of shop/app waits for approval (from (empty ledger) to 009):',
      '  008 a',
      'risky findings: 1',
      '  008_a.sql:2: r: m (t, ~5 rows, lock ACCESS EXCLUSIVE)',
    ]);
  });
});
