/**
 * docs/runbook.md, section by section: each scenario makes the situation
 * (a devcluster, PostgreSQL 18 and the operator as a process), runs the
 * page's commands through bash as an on-call engineer would, and checks they
 * show what the page says. The last test fails when a command on the page
 * was run by no scenario.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { API_VERSION } from '../../src/api/index.js';
import { prepare, schemaMigration } from '../support/manifests.js';
import { migrationDir } from '../support/files.js';
import { CLI } from '../support/cli.js';
import { freshDatabase, query } from '../support/pg.js';
import {
  apply,
  hasCondition,
  kubectlIn,
  useOperatorEnv,
  waitForSmig,
} from '../support/operator.js';
import { until } from '../support/spawned.js';
import { DocShell } from '../support/docs/shell.js';

const R = {
  list: 'kubectl get smig -A',
  describe: 'kubectl -n <namespace> describe smig <name>',
  failure: `kubectl -n <namespace> get smig <name> -o jsonpath='{.status.failure}{"\\n"}'`,
  events: 'kubectl -n <namespace> get events --field-selector involvedObject.name=<name>',
  url: `export DATABASE_URL="$(kubectl -n <namespace> get secret <secret> -o jsonpath='{.data.url}' | base64 -d)"`,
  status: 'schema-operator status --dir <dir>',
  attempts: `psql "$DATABASE_URL" -c "SELECT version, name, sqlstate, line, message, at FROM schema_operator_attempts WHERE status = 'failed' ORDER BY id DESC LIMIT 5"`,
  recreate:
    'kubectl -n <namespace> create configmap <configmap> --from-file=<dir> --dry-run=client -o yaml | kubectl apply -f -',
  wait: 'kubectl -n <namespace> wait --for=condition=Ready smig/<name> --timeout=2m',
  retry: `kubectl -n <namespace> annotate smig <name> schema.streamspace.io/retry="$(date +%s)" --overwrite`,
  failedMessage: `kubectl -n <namespace> get smig <name> -o jsonpath='{.status.conditions[?(@.type=="Failed")].message}{"\\n"}'`,
  plan: 'schema-operator plan --dir <dir>',
  history: `psql "$DATABASE_URL" -c "SELECT version, name, checksum, applied_by, finished_at FROM schema_operator_history ORDER BY installed_rank"`,
  repairAnnotation: `kubectl -n <namespace> annotate smig <name> schema.streamspace.io/repair=<version>:<checksum> schema.streamspace.io/repair-reason="<reason>" --overwrite`,
  repair: 'schema-operator repair --dir <dir> --version <version> --reason "<reason>"',
  migrateLockWait: 'schema-operator migrate --dir <dir> --lock-wait 2s',
  holder: `psql "$DATABASE_URL" -c "SELECT a.pid, a.application_name, a.state, now() - a.query_start AS running_for, left(a.query, 200) AS query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"`,
  terminate: `psql "$DATABASE_URL" -c "SELECT pg_terminate_backend(<pid>)"`,
  gatedPods: 'kubectl -n <namespace> get pods -l schema.streamspace.io/gated=true',
  podEvents: 'kubectl -n <namespace> get events --field-selector involvedObject.name=<pod>',
  podAnnotations: `kubectl -n <namespace> get pod <pod> -o jsonpath='{.metadata.annotations}{"\\n"}'`,
  getOrg: 'kubectl get org <org>',
  orgDeletion: `kubectl get org <org> -o jsonpath='{.metadata.deletionTimestamp} {.metadata.finalizers} {.status.conditions[?(@.type=="Stalled")].message}{"\\n"}'`,
  driftStatus: `kubectl -n <namespace> get smig <name> -o jsonpath='{.status.drift}{"\\n"}'`,
  drift: 'schema-operator drift --dir <dir>',
  dropFinalizer: `kubectl patch org <org> --type merge -p '{"metadata":{"finalizers":null}}'`,
};

/** Runs a page command and expects exit code `code`; returns stdout and stderr together. */
async function ok(sh: DocShell, command: string, code = 0): Promise<string> {
  const r = await sh.run(command);
  expect(r.code, `${command}\n${r.stdout}${r.stderr}`).to.equal(code);
  return r.stdout + r.stderr;
}

describe('the runbook, against the operator', function () {
  this.timeout(120_000);
  const env = useOperatorEnv();
  let sh: DocShell;
  before(async () => {
    sh = await DocShell.create({
      page: 'docs/runbook.md',
      env: { KUBECONFIG: env.kubeconfigPath },
    });
  });
  after(() => sh?.close());

  /** A namespace with a fresh database, its Secret `db`, ConfigMap `api-migrations` from `dir`, and SchemaMigration `api`. */
  async function scenario(ns: string, migrations: Record<string, string>): Promise<string> {
    const url = await freshDatabase(18);
    const dir = migrationDir(migrations);
    await prepare(env, ns, 'api', url, migrations);
    await apply(env, schemaMigration(ns, 'api'));
    sh.vars = { namespace: ns, name: 'api', secret: 'db', configmap: 'api-migrations', dir };
    return url;
  }

  it('a failed migration: finds it, fixes the file, retries after an outside fix', async () => {
    const url = await scenario('rb-failed', {
      '001_t1.sql': 'CREATE TABLE t1 (id int);',
      '002_x.sql': 'CREATE TABLE t2 (id int);\nALTER TABLE t1 ADD COLUMN x no_such_type;',
    });
    await waitForSmig(env, 'rb-failed', 'api', hasCondition('Stalled', 'True', 'SQLError'));
    expect(await ok(sh, R.list)).to.match(/rb-failed\s+api\s+False\s+001\s/);
    expect(await ok(sh, R.describe))
      .to.match(/Reason:\s+SQLError/)
      .and.contain('MigrationFailed');
    expect(JSON.parse(await ok(sh, R.failure))).to.deep.include({
      version: '002',
      sqlState: '42704',
      line: 2,
    });
    expect(await ok(sh, R.events)).to.contain('MigrationFailed');
    await ok(sh, R.url);
    expect(sh.envOf('DATABASE_URL')).to.equal(url);
    expect(await ok(sh, R.status))
      .to.match(/^ {2}001 +t1 /m)
      .and.contain('1 pending');
    expect(await ok(sh, R.attempts))
      .to.contain('42704')
      .and.contain('002');

    writeFileSync(
      `${sh.vars.dir}/002_x.sql`,
      'CREATE TABLE t2 (id int);\nALTER TABLE t1 ADD COLUMN x text;',
    );
    expect(await ok(sh, R.recreate)).to.contain('configmap/api-migrations');
    expect(await ok(sh, R.wait)).to.contain('condition met');

    writeFileSync(`${sh.vars.dir}/003_y.sql`, 'INSERT INTO made_by_hand VALUES (1);');
    await ok(sh, R.recreate);
    await waitForSmig(env, 'rb-failed', 'api', hasCondition('Stalled', 'True', 'SQLError'));
    await query(url, 'CREATE TABLE made_by_hand (id int)');
    expect(await ok(sh, R.retry)).to.contain('annotated');
    expect(await ok(sh, R.wait)).to.contain('condition met');
    expect(await query(url, 'SELECT * FROM made_by_hand')).to.have.length(1);
  });

  it('a checksum mismatch: passes a comments-only edit, shows both checksums of a real one, and repairs by annotation and by CLI', async () => {
    await scenario('rb-checksum', {
      '001_t1.sql': 'CREATE TABLE t1 (id int);',
      '002_t2.sql': 'CREATE TABLE t2 (id int);',
    });
    await waitForSmig(env, 'rb-checksum', 'api', hasCondition('Ready', 'True'));
    writeFileSync(
      `${sh.vars.dir}/002_t2.sql`,
      '-- t2 holds the widgets\nCREATE TABLE t2 (id int);',
    );
    await ok(sh, R.url);
    expect(await ok(sh, R.plan)).to.match(/edited +002_t2 \(comments only\)/);

    writeFileSync(`${sh.vars.dir}/002_t2.sql`, 'CREATE TABLE t2 (id bigint);');
    await ok(sh, R.recreate);
    await waitForSmig(
      env,
      'rb-checksum',
      'api',
      hasCondition('Failed', 'True', 'ChecksumMismatch'),
    );
    const message = await ok(sh, R.failedMessage);
    const sums = [...message.matchAll(/sha256:[0-9a-f]{64}/g)].map((m) => m[0]);
    expect(message).to.contain('002_t2 was changed').and.contain('schema-operator repair');
    expect(sums[0]).to.not.equal(sums[1]);
    expect(await ok(sh, R.plan, 1)).to.match(/changed\s+002_t2: applied sha256:/);
    expect(await ok(sh, R.history)).to.contain(sums[0]);

    sh.vars.checksum = sums[1]!;
    sh.vars.version = '002';
    sh.vars.reason = 'widened by hand during the incident';
    expect(await ok(sh, R.repairAnnotation)).to.contain('annotated');
    expect(await ok(sh, R.wait)).to.contain('condition met');
    expect(await ok(sh, R.plan)).to.contain('0 changed');

    writeFileSync(`${sh.vars.dir}/001_t1.sql`, 'CREATE TABLE t1 (id bigint);');
    await ok(sh, R.recreate);
    await waitForSmig(
      env,
      'rb-checksum',
      'api',
      hasCondition('Stalled', 'True', 'ChecksumMismatch'),
    );
    sh.vars.version = '001';
    expect(await ok(sh, R.repair)).to.match(/^repaired 001: sha256:\w+ -> sha256:\w+/);
    await ok(sh, R.retry);
    expect(await ok(sh, R.wait)).to.contain('condition met');
    expect(await ok(sh, R.status))
      .to.match(/^repairs:$/m)
      .and.match(/^ {2}002 .* widened by hand during the incident$/m)
      .and.match(/^ {2}001 .* widened by hand during the incident$/m);
  });

  it('a stuck lock: names the holder, and terminating it lets the operator finish', async () => {
    const url = await scenario('rb-lock', { '001_t1.sql': 'CREATE TABLE t1 (id int);' });
    await waitForSmig(env, 'rb-lock', 'api', hasCondition('Ready', 'True'));
    const slow = migrationDir({
      '001_t1.sql': 'CREATE TABLE t1 (id int);',
      '002_slow.sql': 'SELECT pg_sleep(300);',
    });
    // No retries: a holder that reconnects after pg_terminate_backend could take the lock
    // again before the operator's next try, and the runbook is about a stuck session.
    const holder = spawn(process.execPath, [CLI, 'migrate', '--dir', slow, '--max-retries', '0'], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: 'ignore',
    });
    try {
      await until(
        async () => {
          const rows = await query(url, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory'");
          return rows.length ? true : undefined;
        },
        { timeoutMs: 20_000, what: 'the holder takes the lock' },
      );
      writeFileSync(`${sh.vars.dir}/002_t2.sql`, 'CREATE TABLE t2 (id int);');
      await ok(sh, R.url);
      const busy = await ok(sh, R.migrateLockWait, 3);
      const pid = /is held by pid (\d+)/.exec(busy)?.[1];
      expect(pid, busy).to.be.a('string');

      await ok(sh, R.recreate);
      await waitForSmig(env, 'rb-lock', 'api', hasCondition('Failed', 'True', 'LockBusy'), 30_000);
      expect(await ok(sh, R.describe)).to.contain(`is held by pid ${pid}`);
      const who = await ok(sh, R.holder);
      expect(who).to.contain(pid).and.contain('pg_sleep');

      sh.vars.pid = pid!;
      expect(await ok(sh, R.terminate)).to.match(/\bt\b|true/);
      expect(await ok(sh, R.wait)).to.contain('condition met');
      const ledger = await query<{ version: string }>(
        url,
        'SELECT version FROM schema_operator_history ORDER BY version',
      );
      expect(ledger.map((r) => r.version)).to.deep.equal(['001', '002']);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a pod held by the gate: shows what it waits for', async () => {
    await scenario('rb-gate', { '001_t1.sql': 'CREATE TABLE t1 (id int);' });
    await waitForSmig(env, 'rb-gate', 'api', hasCondition('Ready', 'True'));
    await apply(env, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-0',
        namespace: 'rb-gate',
        labels: { 'schema.streamspace.io/gated': 'true' },
        annotations: {
          'schema.streamspace.io/migration': 'api',
          'schema.streamspace.io/min-version': '002',
        },
      },
      spec: {
        schedulingGates: [{ name: 'schema.streamspace.io/ready' }],
        containers: [{ name: 'web', image: 'registry.example.com/web:1' }],
      },
    });
    sh.vars.pod = 'web-0';
    expect(await ok(sh, R.gatedPods)).to.match(/web-0\s+0\/1\s+SchedulingGated/);
    const events = await until(
      async () => {
        const out = await ok(sh, R.podEvents);
        return out.includes('waiting for SchemaMigration') ? out : undefined;
      },
      { timeoutMs: 20_000, everyMs: 300, what: 'the gate Event' },
    );
    expect(events).to.contain('waiting for SchemaMigration rb-gate/api to be Ready at version 002');
    expect(await ok(sh, R.podAnnotations)).to.contain('"schema.streamspace.io/min-version":"002"');
  });

  // Last: it stops the operator.
  it('schema drift: finds the column changed by hand, and a migration that keeps it clears it', async () => {
    const url = await scenario('rb-drift', {
      '001_s.sql': 'CREATE TABLE sessions (id int, org_id varchar(40));',
    });
    await apply(env, schemaMigration('rb-drift', 'api', { drift: '1s' }));
    await waitForSmig(env, 'rb-drift', 'api', hasCondition('Ready', 'True'));
    await query(url, 'ALTER TABLE sessions ALTER COLUMN org_id TYPE text');
    await waitForSmig(env, 'rb-drift', 'api', hasCondition('Drifted', 'True', 'SchemaDrift'));
    expect(JSON.parse(await ok(sh, R.driftStatus))).to.deep.include({ count: 1, changed: 1 });
    await ok(sh, R.url);
    expect(await ok(sh, R.drift, 1)).to.contain(
      'column public.sessions.org_id: type character varying(40) -> text',
    );
    writeFileSync(
      `${sh.vars.dir}/002_org_id_text.sql`,
      'ALTER TABLE sessions ALTER COLUMN org_id TYPE text;',
    );
    await ok(sh, R.recreate);
    await waitForSmig(env, 'rb-drift', 'api', hasCondition('Drifted', 'False'));
    expect(await ok(sh, R.drift)).to.contain('no drift');
  });

  it('an Organization stuck in deletion: shows the finalizer, which is removed by hand when no operator runs', async () => {
    const url = await freshDatabase(18);
    await prepare(env, 'rb-org', 'api', url, {});
    await apply(env, {
      apiVersion: API_VERSION,
      kind: 'SchemaMigration',
      metadata: { name: 'api', namespace: 'rb-org' },
      spec: {
        database: { urlSecretRef: { name: 'db', key: 'url' } },
        source: { bundled: 'streamspace' },
        allowOrganizations: true,
      },
    });
    await waitForSmig(env, 'rb-org', 'api', hasCondition('Ready', 'True'), 60_000);
    await apply(env, {
      apiVersion: API_VERSION,
      kind: 'Organization',
      metadata: { name: 'rb-acme' },
      spec: {
        displayName: 'Acme',
        namespace: 'rb-acme',
        databaseRef: { namespace: 'rb-org', name: 'api' },
      },
    });
    const ready = await kubectlIn(env, ['wait', '--for=condition=Ready', 'org/rb-acme']);
    expect(ready.code, ready.stderr).to.equal(0);
    await env.stopOperators();
    const del = await kubectlIn(env, ['delete', 'org', 'rb-acme', '--wait=false']);
    expect(del.code, del.stderr).to.equal(0);

    sh.vars = { org: 'rb-acme' };
    expect(await ok(sh, R.getOrg)).to.match(/rb-acme\s+True\s+rb-acme/);
    const stuck = await ok(sh, R.orgDeletion);
    expect(stuck)
      .to.match(/^\d{4}-\d\d-\d\dT/)
      .and.contain('schema.streamspace.io/organization');
    await ok(sh, R.dropFinalizer);
    expect((await sh.run(R.getOrg)).stderr).to.contain('NotFound');
  });

  it('has run every command of the page', () => {
    expect(sh.notRun()).to.deep.equal([]);
  });
});
