/**
 * Security scenario: finding 1 (database URLs). A tenant's own Secret aims
 * the operator at files (`sslcert=/dev/zero` took it from 838 MiB to 3 GiB
 * in 3 s), probes which files exist (`sslrootcert=/nonexistent` vs `/etc`),
 * points it at a unix socket (`host=`) or lets `pg` take a password from a
 * password file. Each is refused in status, naming the parameter, before
 * any connection; the operator's memory stays put and /healthz answers; a
 * host outside `--allowed-database-hosts` is refused too. Another tenant's
 * SchemaMigration becomes Ready within 5 s during each attack.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchemaMigration } from '../../../src/api/index.js';
import { freshDatabase } from '../../support/pg.js';
import {
  hasCondition,
  waitForSmig,
  type OperatorProcess,
  type OperatorEnv,
} from '../../support/operator.js';
import { applyRetrying } from '../faults/harness.js';
import {
  configMap,
  expectNoSecretAnywhere,
  files,
  namespace,
  schemaMigration,
} from '../../support/manifests.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'database-url';
/** The hosts the scenario's operator may reach: the test servers only. */
const ALLOWED_HOSTS = '127.0.0.0/8,localhost';
/** How much the operator's resident memory may grow across one attack. */
const RSS_GROWTH_LIMIT = 64 * 1024 * 1024;

let attacks = 0;

/** Registers the scenario. */
export function databaseUrlScenario(suite: SecuritySuite): void {
  describe('database URLs (finding 1)', () => {
    let op: OperatorProcess;
    let dir: string;
    let victimUrl: string;
    before(async function () {
      this.timeout(60_000);
      victimUrl = await freshDatabase(18);
      suite.passwords.add(new URL(victimUrl).password);
      // A password file the operator would find by itself: pg reads PGPASSFILE for a URL
      // without a password. The operator inherits the variable; it must never use it.
      dir = await mkdtemp(join(tmpdir(), 'security-pgpass-'));
      const u = new URL(victimUrl);
      await writeFile(join(dir, 'pgpass'), `*:*:*:${u.username}:${u.password}\n`, {
        mode: 0o600,
      });
      const saved = process.env.PGPASSFILE;
      process.env.PGPASSFILE = join(dir, 'pgpass');
      try {
        op = await scenarioOperator(suite, SCENARIO, ['--allowed-database-hosts', ALLOWED_HOSTS]);
      } finally {
        if (saved === undefined) delete process.env.PGPASSFILE;
        else process.env.PGPASSFILE = saved;
      }
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const refusals: Array<[string, string, string, string]> = [
      ['sslcert=/dev/zero', 'sslcert=/dev/zero&sslmode=require', 'InvalidDatabaseURL', '"sslcert"'],
      ['sslkey=/dev/zero', 'sslkey=/dev/zero&sslmode=require', 'InvalidDatabaseURL', '"sslkey"'],
      ['host= a unix socket', 'host=/var/run/postgresql', 'InvalidDatabaseURL', '"host"'],
      ['passfile=', 'passfile=/root/.pgpass', 'InvalidDatabaseURL', '"passfile"'],
    ];
    for (const [attack, query, reason, named] of refusals)
      it(`refuses ${attack}, naming the parameter, memory and /healthz unmoved`, async () => {
        const rssBefore = await rssOf(op);
        const password = `pw${Date.now()}x`;
        suite.passwords.add(password);
        const url = `postgres://app:${password}@127.0.0.1:1/db?${query}`;
        const [refused] = await Promise.all([
          attackWith(suite.env, url, reason),
          victimReadyMs(suite, SCENARIO, `database URL: ${attack}`),
        ]);
        expect(refused.status?.failure?.message).to.include(named);
        expect(await healthz(op)).to.equal(200);
        const rssAfter = await rssOf(op);
        const growth = rssAfter - rssBefore;
        console.log(
          `      operator RSS ${mib(rssBefore)} -> ${mib(rssAfter)} MiB during "${attack}"`,
        );
        expect(growth, `the operator grew by ${growth} bytes`).to.be.below(RSS_GROWTH_LIMIT);
        await expectNoSecretAnywhere(suite.env, password, [refused.metadata.namespace!]);
      });

    it('answers sslrootcert=/nonexistent and sslrootcert=/etc alike (no file probing)', async () => {
      const answer = async (path: string) =>
        (
          await attackWith(
            suite.env,
            `postgres://app:pw@127.0.0.1:1/db?sslmode=verify-full&sslrootcert=${path}`,
            'InvalidDatabaseURL',
          )
        ).status?.failure?.message?.replace(/attacker-url-\d+/, 'NS');
      const [missing, present] = await Promise.all([
        answer('/nonexistent'),
        answer('/etc'),
        victimReadyMs(suite, SCENARIO, 'database URL: sslrootcert= file probe'),
      ]);
      expect(missing).to.include('"sslrootcert"');
      expect(missing).to.equal(present);
    });

    it('refuses a unix socket written as the host itself', async () => {
      const [refused] = await Promise.all([
        attackWith(
          suite.env,
          'postgres://app:pw@%2Fvar%2Frun%2Fpostgresql/db',
          'InvalidDatabaseURL',
        ),
        victimReadyMs(suite, SCENARIO, 'database URL: socket path as host'),
      ]);
      expect(refused.status?.failure?.message).to.include('unix socket');
    });

    it("never takes a password from the operator's password file", async () => {
      const u = new URL(victimUrl);
      u.password = '';
      const [failed] = await Promise.all([
        attackWith(suite.env, u.toString(), 'ConnectionError'),
        victimReadyMs(suite, SCENARIO, 'database URL: no password (PGPASSFILE set)'),
      ]);
      expect(failed.status?.failure?.message).to.match(/password/i);
      expect(failed.status?.appliedVersion ?? null).to.equal(null);
    });

    it('refuses a host outside --allowed-database-hosts', async () => {
      const [refused] = await Promise.all([
        attackWith(
          suite.env,
          'postgres://app:pw@db.elsewhere.example:5432/db',
          'DatabaseHostNotAllowed',
        ),
        victimReadyMs(suite, SCENARIO, 'database URL: host not allowed'),
      ]);
      expect(refused.status?.failure?.message).to.include('"db.elsewhere.example"');
    });

    it('starts again cleanly with every attack still in the cluster (no crash loop)', async () => {
      const from = op.mark();
      await op.restart();
      await op.waitForLog((l) => l.message === 'controllers started', 30_000, from);
      await victimReadyMs(suite, SCENARIO, 'database URL: restart with the attacks present');
      expect(await healthz(op, from)).to.equal(200);
      const rss = await rssOf(op);
      console.log(
        `      operator RSS ${mib(rss)} MiB after a restart with ${attacks} attacks present`,
      );
      expect(rss).to.be.below(256 * 1024 * 1024);
      expect(op.running).to.equal(true);
    });
  });
}

/**
 * Creates an attacker's namespace, its Secret holding `url`, a ConfigMap and
 * a SchemaMigration, and waits until it is Failed with `reason`.
 */
async function attackWith(env: OperatorEnv, url: string, reason: string): Promise<SchemaMigration> {
  const ns = `attacker-url-${++attacks}`;
  await applyRetrying(env, [
    namespace(ns),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: ns },
      type: 'Opaque',
      stringData: { url },
    },
    configMap(ns, 'app-migrations', files(['CREATE TABLE attacker (id int)'])),
    schemaMigration(ns, 'app', { labels: scenarioLabels(SCENARIO) }),
  ]);
  return waitForSmig(env, ns, 'app', hasCondition('Failed', 'True', reason), 10_000);
}

/** The operator's resident memory in bytes (Linux). */
async function rssOf(op: OperatorProcess): Promise<number> {
  const status = await readFile(`/proc/${op.pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kb * 1024;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

/** The HTTP status of the operator's /healthz. */
async function healthz(op: OperatorProcess, from = 0): Promise<number> {
  const started = await op.waitForLog((l) => l.message === 'schema-operator started', 20_000, from);
  const res = await fetch(`${String(started.healthUrl)}/healthz`, {
    signal: AbortSignal.timeout(2_000),
  });
  return res.status;
}
