/**
 * Security scenario: finding 4 (RBAC and the admission policy). A
 * compromised operator pod holds the operator's ServiceAccount; with that
 * identity (its own kubeconfig user, as the operator process uses) each
 * attack is made with kubectl against the devcluster, which enforces the
 * install's ValidatingAdmissionPolicy: a pod's image changed, another
 * scheduling gate removed, a namespace the operator did not create deleted.
 * Each is refused by the policy while another tenant's SchemaMigration still
 * becomes Ready; removing its own gate stays allowed; the user's own kubectl
 * (the admin) is not restricted. And the operator process itself runs as the
 * ServiceAccount: a policy refusing that user's pod patches holds its gate.
 */
import { expect } from 'chai';
import { stringify } from 'yaml';
import { GATED_LABEL, MIGRATION_ANNOTATION, READY_GATE } from '../../../src/api/index.js';
import { OPERATOR_USERNAME } from '../../../src/cli/install-policy.js';
import { kubectl, type KubectlResult } from '../../support/kubectl.js';
import { freshDatabase } from '../../support/pg.js';
import { kubectlIn, sleep, type OperatorEnv } from '../../support/operator.js';
import { applyRetrying } from '../faults/harness.js';
import { configMap, dbSecret, files, namespace, schemaMigration } from '../../support/manifests.js';
import { scenarioLabels, scenarioOperator, victimReadyMs, type SecuritySuite } from './harness.js';

const SCENARIO = 'rbac';
const NS = 'rbac-tenant';
const OTHER_GATE = 'example.com/quota';
const REFUSED =
  "ValidatingAdmissionPolicy 'schema-operator' with binding 'schema-operator' denied request";

/** A pod with our gate and another; `operatorGated` labels it for the scenario's pod gate. */
function pod(name: string, o: { operatorGated?: boolean } = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: o.operatorGated ? { [GATED_LABEL]: 'true', ...scenarioLabels(SCENARIO) } : {},
      annotations: { [MIGRATION_ANNOTATION]: 'app' },
    },
    spec: {
      schedulingGates: [{ name: READY_GATE }, { name: OTHER_GATE }],
      containers: [{ name: 'api', image: 'registry.example.com/api:1' }],
    },
  };
}

/** kubectl as the operator's ServiceAccount. */
function asOperator(env: OperatorEnv, args: string[]): Promise<KubectlResult> {
  return kubectl(args, { kubeconfigPath: env.operatorKubeconfigPath });
}

/** The JSON patch that removes gate `index`, as the pod gate sends it (with its `test` op). */
function removeGate(index: number): string {
  const gates = [{ name: READY_GATE }, { name: OTHER_GATE }];
  return JSON.stringify([
    { op: 'test', path: '/spec/schedulingGates', value: gates },
    { op: 'remove', path: `/spec/schedulingGates/${index}` },
  ]);
}

const IMAGE_CHANGE = JSON.stringify([
  { op: 'replace', path: '/spec/containers/0/image', value: 'registry.example.com/miner:1' },
]);

async function gatesOf(env: OperatorEnv, name: string): Promise<string[]> {
  const r = await kubectlIn(env, ['get', 'pod', '-n', NS, name, '-o', 'json']);
  expect(r.code, r.stderr).to.equal(0);
  const spec = (JSON.parse(r.stdout) as { spec: { schedulingGates?: Array<{ name: string }> } })
    .spec;
  return (spec.schedulingGates ?? []).map((g) => g.name);
}

async function imageOf(env: OperatorEnv, name: string): Promise<string> {
  const r = await kubectlIn(env, [
    'get',
    'pod',
    '-n',
    NS,
    name,
    '-o',
    'jsonpath={.spec.containers[0].image}',
  ]);
  return r.stdout;
}

/** Runs the attack and a victim together; returns the attack's result. */
async function duringAttack(
  suite: SecuritySuite,
  attack: string,
  run: () => Promise<KubectlResult>,
): Promise<KubectlResult> {
  const [result] = await Promise.all([run(), victimReadyMs(suite, SCENARIO, attack)]);
  return result;
}

/** Registers the scenario. */
export function rbacScenario(suite: SecuritySuite): void {
  describe('RBAC and the admission policy (finding 4): the operator’s own identity', () => {
    const env = suite.env;
    before(async function () {
      this.timeout(60_000);
      await scenarioOperator(suite, SCENARIO);
      const pods = ['image', 'own-gate', 'other-gate', 'admin'].map((n) => pod(n));
      await applyRetrying(env, [namespace(NS), namespace('rbac-bystander'), ...pods]);
    });

    it('refuses an image change by the operator’s account, with the policy’s reason', async () => {
      const r = await duringAttack(suite, 'pod image change by the operator account', () =>
        asOperator(env, ['patch', 'pod', '-n', NS, 'image', '--type=json', '-p', IMAGE_CHANGE]),
      );
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include(REFUSED);
      expect(r.stderr).to.include('may change a pod only by removing its scheduling gate');
      expect(await imageOf(env, 'image')).to.equal('registry.example.com/api:1');
    });

    it('allows the operator’s account to remove its own scheduling gate, and only that', async () => {
      const own = await asOperator(env, [
        'patch',
        'pod',
        '-n',
        NS,
        'own-gate',
        '--type=json',
        '-p',
        removeGate(0),
      ]);
      expect(own.code, own.stderr).to.equal(0);
      expect(await gatesOf(env, 'own-gate')).to.deep.equal([OTHER_GATE]);
    });

    it('refuses the operator’s account removing another scheduling gate', async () => {
      const r = await duringAttack(suite, 'removing another scheduling gate', () =>
        asOperator(env, [
          'patch',
          'pod',
          '-n',
          NS,
          'other-gate',
          '--type=json',
          '-p',
          removeGate(1),
        ]),
      );
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include(REFUSED);
      expect(await gatesOf(env, 'other-gate')).to.deep.equal([READY_GATE, OTHER_GATE]);
    });

    it('refuses the operator’s account deleting a namespace it did not create', async () => {
      for (const ns of ['rbac-bystander', 'kube-system']) {
        const r = await duringAttack(
          suite,
          `deleting namespace ${ns} by the operator account`,
          () => asOperator(env, ['delete', 'namespace', ns, '--wait=false']),
        );
        expect(r.code, ns).to.not.equal(0);
        expect(r.stderr).to.include(REFUSED);
        expect(r.stderr).to.include('may delete only a namespace it created');
        const still = await kubectlIn(env, [
          'get',
          'namespace',
          ns,
          '-o',
          'jsonpath={.status.phase}',
        ]);
        expect(still.stdout, ns).to.equal('Active');
      }
    });

    it('refuses the operator’s account marking a namespace as its own, the step before deleting it', async () => {
      const mark = JSON.stringify({
        metadata: {
          labels: { 'app.kubernetes.io/managed-by': 'schema-operator' },
          annotations: { 'schema.streamspace.io/organization': 'rbac-bystander' },
        },
      });
      const r = await duringAttack(suite, 'marking a namespace as created by the operator', () =>
        asOperator(env, ['patch', 'namespace', 'rbac-bystander', '--type=merge', '-p', mark]),
      );
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include(REFUSED);
    });

    it('leaves the user’s own kubectl (the admin) unrestricted', async () => {
      const image = await kubectlIn(env, [
        'patch',
        'pod',
        '-n',
        NS,
        'admin',
        '--type=json',
        '-p',
        IMAGE_CHANGE,
      ]);
      expect(image.code, image.stderr).to.equal(0);
      const gate = await kubectlIn(env, [
        'patch',
        'pod',
        '-n',
        NS,
        'other-gate',
        '--type=json',
        '-p',
        removeGate(1),
      ]);
      expect(gate.code, gate.stderr).to.equal(0);
      expect(await gatesOf(env, 'other-gate')).to.deep.equal([READY_GATE]);
      const del = await kubectlIn(env, ['delete', 'namespace', 'rbac-bystander', '--wait=false']);
      expect(del.code, del.stderr).to.equal(0);
    });

    it('runs the operator process as its ServiceAccount: a policy refusing that user holds the gate', async () => {
      const hold = {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'rbac-scenario-hold' },
        spec: {
          matchConstraints: {
            resourceRules: [
              { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods'] },
            ],
          },
          matchConditions: [
            { name: 'operator', expression: `request.userInfo.username == '${OPERATOR_USERNAME}'` },
          ],
          validations: [
            { expression: 'false', message: 'held by the rbac scenario', reason: 'Forbidden' },
          ],
        },
      };
      const binding = {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: 'rbac-scenario-hold' },
        spec: { policyName: 'rbac-scenario-hold', validationActions: ['Deny'] },
      };
      await applyRetrying(env, [hold, binding]);
      const url = await freshDatabase(18);
      suite.passwords.add(new URL(url).password);
      const gated = pod('released', { operatorGated: true });
      const smig = schemaMigration(NS, 'app', { labels: scenarioLabels(SCENARIO) });
      const operator = env.operators.at(-1)!;
      const from = operator.mark();
      await applyRetrying(env, [
        dbSecret(NS, 'db', url),
        configMap(NS, 'app-migrations', files(['CREATE TABLE t (id int)'])),
        smig,
        gated,
      ]);
      await operator.waitForLog(
        (l) => JSON.stringify(l).includes('held by the rbac scenario'),
        20_000,
        from,
      );
      expect(await gatesOf(env, 'released')).to.include(READY_GATE);
      const del = await kubectlIn(
        env,
        ['delete', '-f', '-'],
        [hold, binding].map((o) => stringify(o)).join('---\n'),
      );
      expect(del.code, del.stderr).to.equal(0);
      const deadline = Date.now() + 20_000;
      while ((await gatesOf(env, 'released')).includes(READY_GATE) && Date.now() < deadline)
        await sleep(100);
      expect(await gatesOf(env, 'released'), 'released under the shipped policy').to.deep.equal([
        OTHER_GATE,
      ]);
    });
  });
}
