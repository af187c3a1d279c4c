import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { kubeconfigFile, useDevCluster } from '../../support/devcluster.js';
import { kubectl, KUBECTLS } from '../../support/kubectl.js';
import { http, installCrds } from '../../support/spawned.js';

const OPERATOR = 'system:serviceaccount:schema-operator-system:schema-operator';

describe('access reviews: kubectl auth can-i and whoami', function () {
  this.timeout(60_000);
  const f = useDevCluster({ users: [{ name: 'operator', username: OPERATOR }] });
  let operatorKubeconfig: string;

  before(async () => {
    await installCrds(f.url);
    operatorKubeconfig = await kubeconfigFile(f.dc, { user: 'operator' });
  });

  for (const { version, bin } of KUBECTLS) {
    const k = (args: string[], kubeconfigPath = f.kubeconfigPath) =>
      kubectl(args, { kubeconfigPath, ...(bin ? { bin } : {}) });

    it(`kubectl ${version} auth can-i answers yes, for resources, custom ones and paths`, async () => {
      for (const args of [
        ['create', 'pods'],
        ['delete', 'smig', '-n', 'default'],
        ['patch', 'organizations/acme', '--subresource=status'],
        ['get', '/healthz'],
      ]) {
        const r = await k(['auth', 'can-i', ...args], operatorKubeconfig);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
        expect(r.stdout.trim()).to.equal('yes');
      }
    });

    it(`kubectl ${version} auth can-i --list lists every verb on everything`, async () => {
      const r = await k(['auth', 'can-i', '--list', '-n', 'default']);
      expect(r.code, r.stderr).to.equal(0);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => l.trim().split(/\s+/));
      expect(rows).to.deep.equal([
        ['Resources', 'Non-Resource', 'URLs', 'Resource', 'Names', 'Verbs'],
        ['*.*', '[]', '[]', '[*]'],
        ['[*]', '[]', '[*]'],
      ]);
    });

    it(`kubectl ${version} auth whoami names the user of the request`, async () => {
      const admin = await k(['auth', 'whoami']);
      expect(admin.code, admin.stderr).to.equal(0);
      expect(admin.stdout).to.match(/^Username\s+kubernetes-admin$/m);
      const op = await k(['auth', 'whoami'], operatorKubeconfig);
      expect(op.code, op.stderr).to.equal(0);
      expect(op.stdout).to.match(new RegExp(`^Username\\s+${OPERATOR}$`, 'm'));
      expect(op.stdout).to.match(
        /^Groups\s+\[system:serviceaccounts system:serviceaccounts:schema-operator-system system:authenticated\]$/m,
      );
    });
  }

  describe('with @kubernetes/client-node', () => {
    let authz: k8s.AuthorizationV1Api;
    let authn: k8s.AuthenticationV1Api;

    before(() => {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(operatorKubeconfig);
      authz = kc.makeApiClient(k8s.AuthorizationV1Api);
      authn = kc.makeApiClient(k8s.AuthenticationV1Api);
    });

    it('answers a SelfSubjectAccessReview with its spec and allowed', async () => {
      const spec = {
        resourceAttributes: {
          verb: 'update',
          group: 'apps',
          resource: 'deployments',
          namespace: 'x',
        },
      };
      const r = await authz.createSelfSubjectAccessReview({ body: { spec } });
      expect(r.kind).to.equal('SelfSubjectAccessReview');
      expect(r.spec).to.deep.equal(spec);
      expect(r.status).to.deep.equal({ allowed: true });
      const path = await authz.createSelfSubjectAccessReview({
        body: { spec: { nonResourceAttributes: { path: '/metrics', verb: 'get' } } },
      });
      expect(path.status?.allowed).to.equal(true);
    });

    it('refuses a SelfSubjectAccessReview without attributes with the 422 of kube-apiserver', async () => {
      const r = await http(`${f.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
        method: 'POST',
        body: JSON.stringify({ spec: {} }),
      });
      expect(r.status).to.equal(422);
      expect((r.body as { message: string }).message).to.equal(
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      );
    });

    it('answers a SelfSubjectRulesReview with * rules, and 400 without a namespace', async () => {
      const r = await authz.createSelfSubjectRulesReview({ body: { spec: { namespace: 'x' } } });
      expect(r.status).to.deep.equal({
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      });
      const bad = await http(`${f.url}/apis/authorization.k8s.io/v1/selfsubjectrulesreviews`, {
        method: 'POST',
        body: JSON.stringify({ spec: {} }),
      });
      expect(bad.status).to.equal(400);
      expect((bad.body as { message: string }).message).to.equal('no namespace on request');
    });

    it('answers a SelfSubjectReview with the user the token stands for', async () => {
      const r = await authn.createSelfSubjectReview({ body: {} });
      expect(r.status?.userInfo?.username).to.equal(OPERATOR);
    });

    it('serves the reviews for create only, as discovery says', async () => {
      const list = await http(`${f.url}/apis/authorization.k8s.io/v1`);
      const resources = (list.body as { resources: Array<{ name: string; verbs: string[] }> })
        .resources;
      expect(resources.map((x) => [x.name, x.verbs])).to.deep.equal([
        ['selfsubjectaccessreviews', ['create']],
        ['selfsubjectrulesreviews', ['create']],
      ]);
      const get = await http(`${f.url}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`);
      expect(get.status).to.equal(405);
    });
  });
});
