/**
 * The kubectl plugin as a user runs it: real kubectl finds `kubectl-schema`
 * on PATH and runs it against a devcluster, with the kubeconfig from
 * KUBECONFIG. Statuses are written through the status subresource as the
 * operator writes them, so no operator or database is needed here; a
 * ValidatingAdmissionPolicy stands for RBAC (the devcluster enforces no
 * RBAC) to refuse one user's patches.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_VERSION,
  APPROVE_ANNOTATION,
  RETRY_ANNOTATION,
  type Organization,
  type SchemaMigrationStatus,
} from '../../src/api/index.js';
import { kubeconfigFile, useDevCluster } from '../support/devcluster.js';
import { kubectl, kubectlPath, type KubectlResult } from '../support/kubectl.js';
import { namespace, schemaMigration } from '../support/manifests.js';
import { http, installCrds } from '../support/spawned.js';

const PLUGIN = fileURLToPath(new URL('../../src/cli/kubectl-schema.js', import.meta.url));
const NS = 'shop';
const HASH = '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5';
const VIEWER = 'alice@example.com';
const T0 = '2026-01-01T00:00:00Z';

const condition = (type: string, status: 'True' | 'False', reason: string) => ({
  type,
  status,
  reason,
  message: reason,
  lastTransitionTime: T0,
});

const STATUSES: Record<string, SchemaMigrationStatus> = {
  ready: {
    phase: 'Applied',
    appliedVersion: '004',
    counts: { applied: 4, pending: 0, changed: 0, missing: 0 },
    conditions: [condition('Ready', 'True', 'Applied')],
  },
  broken: {
    phase: 'Failed',
    appliedVersion: '003',
    counts: { applied: 3, pending: 1, changed: 0, missing: 0 },
    failure: {
      version: '004',
      name: 'add_title',
      reason: 'MigrationFailed',
      sqlState: '42704',
      line: 2,
      message: 'type "no_such_type" does not exist',
      since: T0,
    },
    conditions: [condition('Ready', 'False', 'MigrationFailed')],
  },
  held: {
    phase: 'Applied',
    appliedVersion: '004',
    counts: { applied: 4, pending: 1, changed: 0, missing: 0 },
    contract: {
      waitingVersions: ['005'],
      neededVersion: '004',
      blockingCount: 2,
      blockingPods: [{ name: 'api-1' }, { name: 'api-2' }],
    },
    conditions: [condition('Ready', 'True', 'Applied')],
  },
  risky: {
    phase: 'AwaitingApproval',
    appliedVersion: '002',
    counts: { applied: 2, pending: 1, changed: 0, missing: 0 },
    plan: {
      hash: HASH,
      from: '002',
      files: [{ version: '003', name: 'widen_id', checksum: 'abc' }],
      findings: [
        {
          file: '003_widen_id.sql',
          line: 1,
          rule: 'rewrite-table',
          message: 'ALTER COLUMN TYPE rewrites users',
          table: 'public.users',
          estimatedRows: 1200,
        },
      ],
    },
    conditions: [condition('Ready', 'False', 'AwaitingApproval')],
  },
};

describe('kubectl schema (the kubectl plugin) against a devcluster', function () {
  this.timeout(60_000);
  const f = useDevCluster({ users: [{ name: 'viewer', username: VIEWER }] });
  let bin: string;
  let shopKubeconfig: string;
  let viewerKubeconfig: string;

  /** `kubectl ARGS` with the plugin on PATH and KUBECONFIG set, as a user's shell has them. */
  async function k(
    args: string[],
    kubeconfig = shopKubeconfig,
    terminal?: { answer: string },
  ): Promise<KubectlResult> {
    const kctl = await kubectlPath();
    const home = mkdtempSync(join(tmpdir(), 'kubectl-schema-home-'));
    // `script` gives the plugin a terminal (the prompt only shows on one) and types the answer.
    const [file, argv] = terminal
      ? ['script', ['-qec', [kctl, ...args].map((a) => `'${a}'`).join(' '), '/dev/null']]
      : [kctl, args];
    return new Promise((resolve) => {
      const child = execFile(
        file,
        argv,
        {
          timeout: 30_000,
          env: {
            ...process.env,
            PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
            KUBECONFIG: kubeconfig,
            HOME: home,
          },
        },
        (err, stdout, stderr) => {
          rmSync(home, { recursive: true, force: true });
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
            stdout,
            stderr,
          });
        },
      );
      child.stdin?.end(terminal ? `${terminal.answer}\n` : undefined);
    });
  }
  const admin = (args: string[], input?: string) =>
    kubectl(args, { kubeconfigPath: f.kubeconfigPath, ...(input ? { input } : {}) });
  const annotation = async (name: string, key: string) =>
    (
      await admin([
        'get',
        'smig',
        name,
        '-n',
        NS,
        '-o',
        `jsonpath={.metadata.annotations.${key.replaceAll('.', '\\.')}}`,
      ])
    ).stdout;

  before(async () => {
    bin = mkdtempSync(join(tmpdir(), 'kubectl-schema-bin-'));
    const wrapper = join(bin, 'kubectl-schema');
    writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${PLUGIN}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    await installCrds(f.url);
    shopKubeconfig = await kubeconfigFile(f.dc, { namespace: NS });
    viewerKubeconfig = await kubeconfigFile(f.dc, { namespace: NS, user: 'viewer' });
    const objects = [
      namespace(NS),
      ...Object.keys(STATUSES).map((name) => schemaMigration(NS, name)),
      schemaMigration('default', 'elsewhere'),
      org('acme', true),
      org('globex', false),
    ];
    const applied = await admin(
      ['apply', '-f', '-'],
      objects.map((o) => JSON.stringify(o)).join('\n---\n'),
    );
    expect(applied.code, applied.stderr).to.equal(0);
    for (const [name, status] of Object.entries(STATUSES))
      await writeStatus(`/apis/${API_VERSION}/namespaces/${NS}/schemamigrations/${name}`, status);
    await writeStatus(`/apis/${API_VERSION}/organizations/acme`, orgStatus('acme', true));
    await writeStatus(`/apis/${API_VERSION}/organizations/globex`, orgStatus('globex', false));
    // What RBAC would do: the viewer may read but not patch SchemaMigrations.
    const policy = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: viewer-reads-only}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [schema.streamspace.io], apiVersions: ['*'], operations: [UPDATE], resources: [schemamigrations]}
  validations:
  - expression: "request.userInfo.username != '${VIEWER}'"
    reason: Forbidden
    message: viewers only read
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: viewer-reads-only}
spec: {policyName: viewer-reads-only, validationActions: [Deny]}
`;
    const p = await admin(['apply', '-f', '-'], policy);
    expect(p.code, p.stderr).to.equal(0);
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  async function writeStatus(path: string, status: object): Promise<void> {
    const r = await http(`${f.url}${path}/status`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: JSON.stringify({ status }),
    });
    expect(r.status, r.text).to.equal(200);
  }

  it('is found by kubectl plugin list and answers --help', async () => {
    const list = await k(['plugin', 'list']);
    expect(list.stdout).to.include(join(bin, 'kubectl-schema'));
    const help = await k(['schema', '--help']);
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.match(/Usage: kubectl schema/);
    for (const c of ['status', 'retry', 'approve', 'orgs']) expect(help.stdout).to.include(c);
  });

  it("status: a table of the context's namespace, each column from status", async () => {
    const r = await k(['schema', 'status']);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(
      /^NAME\s+READY\s+VERSION\s+PENDING\s+FAILURE\s+CONTRACT\s+APPROVAL\s+AGE$/,
    );
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))!.split(/\s{3,}/);
    expect(row('ready').slice(0, 7)).to.deep.equal(['ready', 'True', '004', '0', '-', '-', 'none']);
    expect(row('broken').slice(0, 5)).to.deep.equal([
      'broken',
      'False',
      '003',
      '1',
      'MigrationFailed 42704 004_add_title.sql:2',
    ]);
    expect(row('held')[5]).to.equal('holds 005, 2 pod(s)');
    expect(row('risky')[6]).to.equal(`waiting ${HASH.slice(0, 12)}`);
    expect(lines).to.have.length(5);
    // Columns line up: every row's READY starts where the header's does.
    const at = lines[0]!.indexOf('READY');
    for (const l of lines.slice(1)) expect(l.slice(at, at + 4)).to.match(/^(True|Fals)/);
  });

  it('status: -A adds the namespace, -n another one, smig/NAME the details', async () => {
    const all = await k(['schema', 'status', '-A']);
    expect(all.stdout).to.match(/^NAMESPACE\s+NAME\s+READY/);
    expect(all.stdout).to.match(/^default\s+elsewhere\s+-/m);
    const other = await k(['schema', 'status', '-n', 'default']);
    expect(other.stdout.trim().split('\n')).to.have.length(2);
    const one = await k(['schema', 'status', 'smig/broken']);
    expect(one.code, one.stderr).to.equal(0);
    expect(one.stdout).to.include('failure: type "no_such_type" does not exist');
    const held = await k(['schema', 'status', 'smig/held']);
    expect(held.stdout).to.include('contract: 005 waits (pods need 004); pods: api-1, api-2');
    const missing = await k(['schema', 'status', 'smig/nope']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/error: .*nope/);
  });

  it('retry: a fresh retry annotation each time', async () => {
    const first = await k(['schema', 'retry', 'smig/broken']);
    expect(first.code, first.stderr).to.equal(0);
    const value = await annotation('broken', RETRY_ANNOTATION);
    expect(Number.isNaN(Date.parse(value)), value).to.equal(false);
    expect(first.stdout).to.include(`${RETRY_ANNOTATION}=${value}`);
    await new Promise((r) => setTimeout(r, 5));
    expect((await k(['schema', 'retry', 'smig/broken'])).code).to.equal(0);
    expect(await annotation('broken', RETRY_ANNOTATION)).to.not.equal(value);
  });

  it('approve: shows the plan, refuses without a terminal or --yes, asks on a terminal, annotates the hash', async () => {
    const asked = await k(['schema', 'approve', 'smig/risky']);
    expect(asked.code).to.equal(2);
    expect(asked.stdout).to.include(
      `plan ${HASH} of ${NS}/risky waits for approval (from 002 to the newest):`,
    );
    expect(asked.stdout).to.include('  003 widen_id');
    expect(asked.stdout).to.include(
      '  003_widen_id.sql:1: rewrite-table: ALTER COLUMN TYPE rewrites users (public.users, ~1200 rows)',
    );
    expect(asked.stderr).to.include('pass --yes');
    expect(await annotation('risky', APPROVE_ANNOTATION)).to.equal('');
    const no = await k(['schema', 'approve', 'smig/risky'], shopKubeconfig, { answer: 'n' });
    expect(no.code).to.equal(1);
    expect(no.stdout).to.include(`approve plan ${HASH}? [y/N]`);
    expect(no.stdout).to.include('not approved; nothing changed');
    expect(await annotation('risky', APPROVE_ANNOTATION)).to.equal('');
    const y = await k(['schema', 'approve', 'smig/risky'], shopKubeconfig, { answer: 'y' });
    expect(y.code, y.stdout).to.equal(0);
    expect(await annotation('risky', APPROVE_ANNOTATION)).to.equal(HASH);
    const yes = await k(['schema', 'approve', 'smig/risky', '--yes']);
    expect(yes.code, yes.stderr).to.equal(0);
    expect(await annotation('risky', APPROVE_ANNOTATION)).to.equal(HASH);
  });

  it('approve: a SchemaMigration with no waiting plan is an error and stays as it was', async () => {
    const r = await k(['schema', 'approve', 'smig/ready', '--yes']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('smig/ready has no plan waiting for approval (phase Applied)');
    expect(await annotation('ready', APPROVE_ANNOTATION)).to.equal('');
  });

  it('orgs: phase, row, namespace and its state, class; -n picks by namespace', async () => {
    const r = await k(['schema', 'orgs']);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^NAME\s+PHASE\s+ROW\s+NAMESPACE\s+NAMESPACE-STATE\s+CLASS\s+AGE$/);
    expect(lines[1]!.split(/\s{3,}/).slice(0, 6)).to.deep.equal([
      'acme',
      'Active',
      'Written',
      'org-acme',
      'Ready',
      'standard',
    ]);
    expect(lines[2]!.split(/\s{3,}/).slice(0, 6)).to.deep.equal([
      'globex',
      'Pending',
      'DatabaseNotReady',
      'streamspace',
      'NamespaceNotCreated',
      '-',
    ]);
    const one = await k(['schema', 'orgs', '-n', 'org-acme']);
    expect(one.stdout.trim().split('\n')).to.have.length(2);
  });

  it('uses --kubeconfig and --context as kubectl does', async () => {
    const byFlag = await k(['schema', 'status', '--kubeconfig', shopKubeconfig], '/nonexistent');
    expect(byFlag.code, byFlag.stderr).to.equal(0);
    const bad = await k(['schema', 'status', '--context', 'nope']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('no context named nope');
  });

  it('a user who may read but not patch: status works, retry names verb, resource and user', async () => {
    const read = await k(['schema', 'status'], viewerKubeconfig);
    expect(read.code, read.stderr).to.equal(0);
    const before = await annotation('broken', RETRY_ANNOTATION);
    const r = await k(['schema', 'retry', 'smig/broken'], viewerKubeconfig);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(
      `error: forbidden: user ${VIEWER} may not patch schemamigrations in namespace ${NS}`,
    );
    expect(r.stderr).to.include('viewers only read');
    expect(await annotation('broken', RETRY_ANNOTATION)).to.equal(before);
  });
});

function org(name: string, hasClass: boolean): Organization {
  return {
    apiVersion: API_VERSION,
    kind: 'Organization',
    metadata: { name },
    spec: {
      displayName: name,
      databaseRef: { namespace: NS, name: 'ready' },
      ...(hasClass ? { className: 'standard' } : {}),
    },
  } as Organization;
}

function orgStatus(name: string, ready: boolean): object {
  return ready
    ? {
        phase: 'Active',
        namespace: `org-${name}`,
        className: 'standard',
        conditions: [
          condition('Ready', 'True', 'Ready'),
          condition('DatabaseSynced', 'True', 'Synced'),
          condition('NamespaceReady', 'True', 'Created'),
        ],
      }
    : {
        phase: 'Pending',
        conditions: [
          condition('Ready', 'False', 'DatabaseNotReady'),
          condition('DatabaseSynced', 'False', 'DatabaseNotReady'),
          condition('NamespaceReady', 'False', 'NamespaceNotCreated'),
        ],
      };
}
