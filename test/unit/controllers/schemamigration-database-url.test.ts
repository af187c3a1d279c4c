import { expect } from 'chai';
import type { SchemaMigration, SchemaMigrationStatus } from '../../../src/api/index.js';
import {
  schemaMigrationReconciler,
  type SchemaMigrationDeps,
} from '../../../src/controllers/schemamigration/reconciler.js';
import { parseAllowedHosts, plan, type RunOptions } from '../../../src/engine/index.js';
import type { ReconcileContext } from '../../../src/kube/index.js';
import { silentLogger } from '../../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };
const PASSWORD = 'Sup3rS3cret';
const CA = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';

function smig(): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: 1, uid: 'u1' },
    spec: {
      database: { urlSecretRef: { name: 'db', key: 'url' } },
      source: { inline: [{ version: '001', name: 'a', sql: 'SELECT 1;' }] },
    },
  };
}

/** A reconciler over one CR whose Secret `db` holds `data`. */
function world(data: Record<string, string>, extra: Partial<SchemaMigrationDeps> = {}) {
  const obj = smig();
  const writes: SchemaMigrationStatus[] = [];
  const events: string[] = [];
  const runs: RunOptions[] = [];
  const reconcile = schemaMigrationReconciler({
    get: () => obj,
    readConfigMap: async () => undefined,
    readSecretKey: async (ns, name, key) => (ns === 'ns' && name === 'db' ? data[key] : undefined),
    statusWriter: {
      async write(o, status) {
        writes.push(structuredClone(status));
        o.status = structuredClone(status);
      },
      async writeThrottled() {},
    },
    events: {
      record: async (_o, type, reason, note) => void events.push(`${type} ${reason}: ${note}`),
    },
    migrate: async (o) => {
      runs.push(o);
      return { plan: plan(o.migrations, []), applied: [], baselined: null, lockWaitMs: 0 };
    },
    // A clean schema: these tests are about the run, drift-step has its own.
    checkDrift: async () => ({ recorded: true, takenAt: null, items: [] }),
    appliedBy: 'test',
    ...extra,
  });
  return { reconcile, writes, events, runs };
}

const failedOf = (s: SchemaMigrationStatus | undefined) =>
  s?.conditions?.find((c) => c.type === 'Failed');

describe('the SchemaMigration reconciler and database URLs', () => {
  const attacks: Array<[string, string]> = [
    ['sslcert=/dev/zero', 'sslcert'],
    ['sslrootcert=/nonexistent', 'sslrootcert'],
    ['sslrootcert=/etc', 'sslrootcert'],
    ['host=/var/run/postgresql', 'host'],
    ['passfile=/root/.pgpass', 'passfile'],
  ];
  for (const [query, parameter] of attacks)
    it(`refuses ?${query} in status, naming the parameter and the Secret, without connecting`, async () => {
      const w = world({ url: `postgres://app:${PASSWORD}@127.0.0.1:1/db?${query}` });
      const result = await w.reconcile(ctx, 'ns/api');
      expect(result.requeueAfterMs).to.be.greaterThan(0);
      expect(w.runs).to.have.length(0);
      const s = w.writes.at(-1)!;
      expect(failedOf(s)).to.include({ status: 'True', reason: 'InvalidDatabaseURL' });
      expect(s.conditions?.find((c) => c.type === 'Stalled')).to.include({ status: 'True' });
      expect(s.failure?.message).to.include(`"${parameter}"`).and.include('Secret ns/db');
      expect(JSON.stringify(s) + w.events.join()).not.to.include(PASSWORD);
      expect(w.events).to.have.length(1);
    });

  it('gives the same answer for a path that exists and one that does not', async () => {
    const answer = async (path: string) => {
      const w = world({ url: `postgres://app:p@db/x?sslrootcert=${path}` });
      await w.reconcile(ctx, 'ns/api');
      return w.writes.at(-1)!.failure?.message;
    };
    expect(await answer('/etc')).to.equal(await answer('/nonexistent'));
  });

  it('refuses a host outside --allowed-database-hosts as DatabaseHostNotAllowed', async () => {
    const w = world(
      { url: `postgres://app:${PASSWORD}@10.9.9.9/db` },
      { allowedDatabaseHosts: parseAllowedHosts('*.db.svc.cluster.local') },
    );
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(0);
    const s = w.writes.at(-1)!;
    expect(failedOf(s)).to.include({ status: 'True', reason: 'DatabaseHostNotAllowed' });
    expect(s.failure?.message).to.include('"10.9.9.9"');
  });

  it('runs against an allowed host, passing the allowlist down to the connection', async () => {
    const allowed = parseAllowedHosts('*.db.svc.cluster.local');
    const w = world(
      { url: 'postgres://app:p@pg.team.db.svc.cluster.local/db' },
      { allowedDatabaseHosts: allowed },
    );
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(1);
    expect(w.runs[0]!.allowedHosts).to.equal(allowed);
  });

  it('passes the TLS keys of the Secret to the engine as data', async () => {
    const w = world({ url: 'postgres://app:p@db/x?sslmode=verify-full', 'ca.crt': CA });
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs[0]!.tls).to.deep.equal({ ca: CA });
  });

  it('refuses a ca.crt that is not PEM data, naming the key', async () => {
    const w = world({ url: 'postgres://app:p@db/x', 'ca.crt': '/etc/ssl/certs/ca.pem' });
    await w.reconcile(ctx, 'ns/api');
    expect(w.runs).to.have.length(0);
    expect(w.writes.at(-1)!.failure?.message).to.include('"ca.crt" is not PEM');
  });
});
