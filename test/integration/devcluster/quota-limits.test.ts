/**
 * ResourceQuota and LimitRange, the two kinds an OrganizationClass adds to an
 * organization's namespace beside NetworkPolicies and RoleBindings: stored
 * and served as a real API server does for what kubectl sends them (1.33
 * protobuf `create`, client-side and server-side `apply`, `get` through the
 * table printer, the quota's status subresource, `delete`), and watched the
 * way the operator watches what it manages.
 */
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { useDevCluster } from '../../support/devcluster.js';
import { kubectl, KUBECTLS } from '../../support/kubectl.js';

const LABELS = {
  'app.kubernetes.io/managed-by': 'schema-operator',
  'schema.streamspace.io/organization': 'acme',
};

/** The ResourceQuota an OrganizationClass asks for, as `kubectl apply` reads it. */
const quota = (ns: string, pods: string) => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'organization', namespace: ns, labels: LABELS },
  spec: { hard: { pods, 'requests.cpu': '10', 'limits.memory': '40Gi' } },
});

/** The LimitRange an OrganizationClass asks for. */
const limitRange = (ns: string, cpu: string) => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'organization', namespace: ns, labels: LABELS },
  spec: {
    limits: [
      {
        type: 'Container',
        default: { cpu, memory: '2Gi' },
        defaultRequest: { cpu: '250m', memory: '512Mi' },
      },
    ],
  },
});

describe('ResourceQuota and LimitRange in the devcluster', function () {
  this.timeout(60_000);
  const f = useDevCluster();

  for (const { version, bin } of KUBECTLS) {
    const ns = `quota-${version.replace('.', '-')}`;
    const k = (args: string[], input?: string) =>
      kubectl(args, {
        kubeconfigPath: f.kubeconfigPath,
        ...(bin ? { bin } : {}),
        ...(input !== undefined ? { input } : {}),
      });
    const ok = async (args: string[], input?: string) => {
      const r = await k(args, input);
      expect(r.code, `kubectl ${version} ${args.join(' ')}: ${r.stderr}`).to.equal(0);
      return r.stdout;
    };
    const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));

    describe(`with kubectl ${version}`, () => {
      before(async () => {
        await ok(
          ['apply', '-f', '-'],
          stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
        );
      });

      it('creates, applies again with a change, gets and deletes a ResourceQuota', async () => {
        await ok(['create', 'quota', 'small', '-n', ns, '--hard=pods=2,requests.cpu=500m']);
        expect((await json(['get', 'quota', 'small', '-n', ns])).spec.hard).to.deep.equal({
          pods: '2',
          'requests.cpu': '500m',
        });
        await ok(['apply', '-f', '-'], stringify(quota(ns, '30')));
        await ok(['apply', '-f', '-'], stringify(quota(ns, '40')));
        const applied = await json(['get', 'resourcequota', 'organization', '-n', ns]);
        expect(applied.metadata.labels).to.deep.equal(LABELS);
        expect(applied.spec.hard.pods).to.equal('40');
        expect(await ok(['get', 'quota', '-n', ns])).to.match(/^NAME\s+AGE/);
        await ok(['delete', 'quota', 'small', 'organization', '-n', ns]);
        expect((await json(['get', 'quota', '-n', ns])).items).to.deep.equal([]);
      });

      it('writes a ResourceQuota status only through the subresource', async () => {
        await ok(
          ['apply', '--server-side', '--field-manager=schema-operator', '-f', '-'],
          stringify(quota(ns, '30')),
        );
        const status = { status: { hard: { pods: '30' }, used: { pods: '3' } } };
        await ok([
          'patch',
          'quota',
          'organization',
          '-n',
          ns,
          '--type=merge',
          '-p',
          JSON.stringify(status),
        ]);
        expect((await json(['get', 'quota', 'organization', '-n', ns])).status ?? {}).to.deep.equal(
          {},
        );
        await ok([
          'patch',
          'quota',
          'organization',
          '-n',
          ns,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify(status),
        ]);
        const got = await json(['get', 'quota', 'organization', '-n', ns]);
        expect(got.status).to.deep.equal(status.status);
        expect(got.spec.hard.pods).to.equal('30');
        await ok(['delete', 'quota', 'organization', '-n', ns]);
      });

      it('creates, applies client- and server-side, gets and deletes a LimitRange', async () => {
        await ok(['create', '-f', '-'], stringify(limitRange(ns, '1')));
        await ok(['apply', '-f', '-'], stringify(limitRange(ns, '2')));
        expect(
          (await json(['get', 'limits', 'organization', '-n', ns])).spec.limits[0].default,
        ).to.deep.equal({
          cpu: '2',
          memory: '2Gi',
        });
        await ok(
          [
            'apply',
            '--server-side',
            '--force-conflicts',
            '--field-manager=schema-operator',
            '-f',
            '-',
          ],
          stringify(limitRange(ns, '3')),
        );
        const got = await json(['get', 'limitrange', 'organization', '-n', ns]);
        expect(got.spec.limits[0].default.cpu).to.equal('3');
        expect(got.metadata.labels).to.deep.equal(LABELS);
        await ok(['delete', 'limits', 'organization', '-n', ns]);
        expect((await json(['get', 'limits', '-n', ns])).items).to.deep.equal([]);
      });
    });
  }

  it('lists them across namespaces by label and reports a deletion to a watch', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(f.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'watched' } } });
    await core.createNamespacedResourceQuota({ namespace: 'watched', body: quota('watched', '5') });
    await core.createNamespacedLimitRange({
      namespace: 'watched',
      body: limitRange('watched', '1'),
    });
    const selector = 'app.kubernetes.io/managed-by=schema-operator';
    const quotas = await core.listResourceQuotaForAllNamespaces({ labelSelector: selector });
    const ranges = await core.listLimitRangeForAllNamespaces({ labelSelector: selector });
    expect(quotas.items.map((q) => `${q.metadata?.namespace}/${q.metadata?.name}`)).to.include(
      'watched/organization',
    );
    expect(ranges.items.map((r) => r.metadata?.namespace)).to.include('watched');

    const seen: string[] = [];
    const deleted = new Promise<void>((resolve, reject) => {
      void new k8s.Watch(kc)
        .watch(
          '/api/v1/limitranges',
          { labelSelector: selector, resourceVersion: ranges.metadata?.resourceVersion },
          (type: string, obj: k8s.V1LimitRange) => {
            seen.push(`${type} ${obj.metadata?.namespace}/${obj.metadata?.name}`);
            if (type === 'DELETED') resolve();
          },
          (err: unknown) => (err ? reject(err as Error) : undefined),
        )
        .then((req) => deleted.finally(() => req.abort()));
    });
    await core.deleteNamespacedLimitRange({ name: 'organization', namespace: 'watched' });
    await deleted;
    expect(seen).to.deep.equal(['DELETED watched/organization']);
  });
});
