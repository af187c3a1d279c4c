/**
 * Scenario 5: a corpus of bad input. Custom resources the CRD schema or its
 * CEL rules forbid are refused by the API server with a clear message;
 * accepted ones that cannot work (a missing Secret, a wrong password, a
 * closed port, hostile SQL) each get a status reason and a clear message;
 * accepted ones that merely look hostile (quotes and semicolons in names, a
 * 253-character name, a ConfigMap near the 1 MiB limit) are applied. All the
 * while, a good SchemaMigration created last still becomes Ready.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { API_VERSION } from '../../../src/api/index.js';
import { freePort } from '../../../src/devcluster/postgres.js';
import type { KubeObject } from '../../../src/kube/index.js';
import { query, server } from '../../support/pg.js';
import {
  apply,
  condition,
  hasCondition,
  kubectlIn,
  waitForSmig,
  type OperatorProcess,
} from '../../support/operator.js';
import { configMap, dbSecret, files, namespace, schemaMigration } from '../../support/manifests.js';
import { freshDatabases, scenarioLabels, scenarioOperator, type FaultSuite } from './harness.js';

const SCENARIO = 'bad-input';
const NS = 'faults-bad';
const labels = scenarioLabels(SCENARIO);

/** A SchemaMigration with `spec` as given (for shapes the typed helper cannot express). */
const rawSmig = (name: string, spec: object) => ({
  apiVersion: API_VERSION,
  kind: 'SchemaMigration',
  metadata: { name, namespace: NS, labels },
  spec,
});
const rawOrg = (name: string, spec: object) => ({
  apiVersion: API_VERSION,
  kind: 'Organization',
  metadata: { name, labels },
  spec,
});
const configMaps = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const DB = { urlSecretRef: { name: 'db', key: 'url' } };
const CM = { configMaps: [{ name: 'good-migrations' }] };

/** Objects the API server must refuse, and what kubectl must print. */
const REFUSED: Array<[string, object, RegExp]> = [
  [
    'a name that is not a DNS-1123 subdomain',
    rawSmig('API.', { database: DB, source: { bundled: 'streamspace' } }),
    /^The SchemaMigration "API\." is invalid: metadata.name: Invalid value/,
  ],
  [
    'two sources at once',
    rawSmig('two-sources', { database: DB, source: { ...CM, bundled: 'streamspace' } }),
    /exactly one of configMaps, inline or bundled must be set/,
  ],
  ['no database', rawSmig('no-database', { source: CM }), /spec\.database: Required value/],
  [
    'a target version that is not a version',
    rawSmig('bad-target', { database: DB, source: CM, targetVersion: 'latest' }),
    /spec\.targetVersion: Invalid value: "latest"/,
  ],
  [
    'SQL in the history table name',
    rawSmig('sql-ledger', {
      database: DB,
      source: CM,
      historyTable: { name: 'x; DROP TABLE users; --' },
    }),
    /spec\.historyTable\.name: Invalid value/,
  ],
  [
    'SQL in an inline migration name',
    rawSmig('sql-name', {
      database: DB,
      source: { inline: [{ version: '001', name: "x'); DROP TABLE users; --", sql: 'SELECT 1' }] },
    }),
    /spec\.source\.inline\[0\]\.name: Invalid value/,
  ],
  [
    'a lock timeout of 600h',
    rawSmig('long-lock', { database: DB, source: CM, policy: { lockTimeout: '600h' } }),
    /lockTimeout must be above 0 and at most 24h/,
  ],
  [
    'a statement timeout of 0s (none at all)',
    rawSmig('no-statement-timeout', {
      database: DB,
      source: CM,
      policy: { statementTimeout: '0s' },
    }),
    /statementTimeout must be above 0 and at most 24h/,
  ],
  [
    'an Organization in a reserved namespace',
    rawOrg('evil', { displayName: 'Evil', namespace: 'kube-system' }),
    /namespace must not be a reserved namespace/,
  ],
  [
    'an Organization without a display name',
    rawOrg('nameless', { namespace: 'nameless' }),
    /spec\.displayName: Required value/,
  ],
  ['an Organization id with capitals', rawOrg('Acme', { displayName: 'Acme' }), /metadata\.name/],
];

/** About 1,000,000 bytes of SQL: one table and 20,000 rows in one INSERT. */
function hugeMigration(): string {
  const rows = Array.from({ length: 20_000 }, (_, i) => `(${i}, '${'x'.repeat(38)}')`);
  return `CREATE TABLE big (id int PRIMARY KEY, v text);\nINSERT INTO big VALUES\n${rows.join(',\n')};\n`;
}

/** Registers the scenario. */
export function badInputScenario(suite: FaultSuite): void {
  describe('a corpus of bad input, and a good SchemaMigration after it', () => {
    const { env } = suite;
    let operator: OperatorProcess;
    const wrongPassword = `wrong-${randomBytes(9).toString('hex')}`;
    let goodUrl = '';
    let hugeUrl = '';

    before(async function () {
      this.timeout(60_000);
      suite.passwords.add(wrongPassword);
      const pg = await server(18);
      const [wrongUrl, good, huge, hostileUrl, txUrl, dollarUrl] = (await freshDatabases(6)) as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const wrong = new URL(wrongUrl);
      wrong.password = wrongPassword;
      goodUrl = good;
      hugeUrl = huge;
      await apply(
        env,
        namespace(NS),
        dbSecret(NS, 'db', goodUrl),
        dbSecret(NS, 'wrong-password', wrong.toString()),
        dbSecret(
          NS,
          'closed-port',
          `postgres://postgres:${pg.password}@127.0.0.1:${await freePort()}/x`,
        ),
        dbSecret(NS, 'hostile', hostileUrl),
        dbSecret(NS, 'huge', hugeUrl),
        dbSecret(NS, 'tx', txUrl),
        dbSecret(NS, 'dollar', dollarUrl),
        configMap(NS, 'good-migrations', files(['CREATE TABLE good (id int);'])),
        configMap(
          NS,
          'hostile-migrations',
          files([
            `CREATE TABLE "Robert'); DROP TABLE students;--" (id int);\n` +
              `COMMENT ON TABLE "Robert'); DROP TABLE students;--" IS 'it''s /* not */ a comment; $$ nor a quote';`,
            `CREATE TABLE "emoji 🦄" ("$1" text DEFAULT E'\\\\x00 and \\'');`,
          ]),
        ),
        configMap(NS, 'tx-migrations', files(['CREATE TABLE t (id int);\nCOMMIT;\nDROP TABLE t;'])),
        configMap(NS, 'dollar-migrations', files(['SELECT $$never closed;'])),
      );
      // Created, not applied: apply's last-applied annotation would double it past the size limit.
      await env.client
        .resource<KubeObject>(configMaps)
        .create(
          configMap(NS, 'huge-migrations', { '001_huge.sql': hugeMigration() }) as KubeObject,
        );
      operator = await scenarioOperator(env, { scenario: SCENARIO });
    });

    it(`refuses ${REFUSED.length} malformed custom resources at the API with a clear message`, async () => {
      const results = await Promise.all(
        REFUSED.map(([, obj]) => kubectlIn(env, ['create', '-f', '-'], stringify(obj))),
      );
      for (const [i, [what, , message]] of REFUSED.entries()) {
        const r = results[i]!;
        expect(r.code, `${what}: ${r.stdout}`).to.equal(1);
        // kubectl names the object, then lists every cause (one line each).
        expect(r.stderr, what).to.match(/^The (SchemaMigration|Organization) "[^"]+" is invalid: /);
        expect(r.stderr.trim(), what).to.match(message);
      }
      console.log(
        `      bad input: ${REFUSED.length}/${REFUSED.length} malformed CRs refused by the API with a clear message`,
      );
    });

    it('gives every accepted bad input a status reason and a clear message, and still applies a good one', async function () {
      this.timeout(90_000);
      const pid = operator.pid;
      const smig = (name: string, secret: string, cm: string) =>
        schemaMigration(NS, name, { secret, configMaps: [cm], labels });
      const longName = `l${'o'.repeat(61)}.${'n'.repeat(63)}.${'g'.repeat(63)}.${'n'.repeat(61)}e`;
      expect(longName).to.have.length(253);
      await apply(
        env,
        smig('missing-secret', 'nosuch', 'good-migrations'),
        smig('wrong-password', 'wrong-password', 'good-migrations'),
        smig('closed-port', 'closed-port', 'good-migrations'),
        smig('transaction-control', 'tx', 'tx-migrations'),
        smig('dollar-quote', 'dollar', 'dollar-migrations'),
        smig(longName, 'hostile', 'hostile-migrations'),
        smig('huge', 'huge', 'huge-migrations'),
      );
      const failing: Array<[string, string, RegExp]> = [
        ['missing-secret', 'SecretNotFound', new RegExp(`${NS}/nosuch`)],
        [
          'wrong-password',
          'ConnectionError',
          /^cannot connect to postgres:\/\/postgres@[^ ]+: password authentication failed/,
        ],
        ['closed-port', 'ConnectionError', /connection refused \(is the server running/],
        ['transaction-control', 'InvalidSource', /001_m1\.sql:2: transaction control/],
        ['dollar-quote', 'SQLError', /001_m1\.sql:1: unterminated dollar-quoted string/],
      ];
      for (const [name, reason, message] of failing) {
        const o = await waitForSmig(env, NS, name, hasCondition('Failed', 'True', reason), 30_000);
        expect(condition(o, 'Ready')?.status, name).to.equal('False');
        expect(condition(o, 'Failed')?.message, name).to.match(message);
        expect(o.status?.failure?.message, name).to.match(message);
        expect(o.status?.failure?.reason, name).to.equal(reason);
      }
      for (const name of [longName, 'huge'])
        await waitForSmig(env, NS, name, hasCondition('Ready', 'True'), 30_000);
      expect(await query(hugeUrl, 'SELECT count(*)::int AS n FROM big')).to.deep.equal([
        { n: 20_000 },
      ]);

      // The operator still serves everything else.
      await apply(env, schemaMigration(NS, 'good', { labels }));
      await waitForSmig(env, NS, 'good', hasCondition('Ready', 'True'), 30_000);
      expect(await query(goodUrl, 'SELECT count(*)::int AS n FROM good')).to.deep.equal([{ n: 0 }]);
      expect(operator.running).to.equal(true);
      expect(operator.pid).to.equal(pid);
      console.log(
        `      bad input: ${failing.length}/${failing.length} failing inputs with a reason and a clear message ` +
          `(${failing.map(([, r]) => r).join(', ')}); hostile names, a 253-character name and a ` +
          `${(hugeMigration().length / 1e6).toFixed(2)} MB ConfigMap applied; the good SchemaMigration Ready; same pid`,
      );
    });
  });
}
