/**
 * An operator watching one namespace (`--namespace`, the chart's
 * `watchNamespace`) is granted namespaced kinds by a Role there only, so it
 * must never list or watch them across the cluster, sharded (`--selector`)
 * or not. The devcluster does not enforce RBAC; the cluster-wide paths of
 * every namespaced kind answer 500 here instead, as the API server would
 * answer 403: an operator that asked for them would never sync and never
 * become ready.
 */
import { expect } from 'chai';
import { OperatorProcess, useOperatorEnv } from '../support/operator.js';

/** The cluster-wide collections of the namespaced kinds the operator reads. */
const CLUSTER_WIDE = [
  '/apis/schema.streamspace.io/v1alpha1/schemamigrations',
  '/api/v1/pods',
  '/api/v1/configmaps',
  '/api/v1/secrets',
];

describe('an operator watching one namespace (PostgreSQL not needed)', function () {
  this.timeout(60_000);
  const env = useOperatorEnv({ operators: 0 });

  for (const selector of [undefined, 'shard=a']) {
    it(`syncs without a cluster-wide list or watch${selector ? ', sharded' : ''}`, async () => {
      for (const pathPrefix of CLUSTER_WIDE)
        env.dc.faults.failNext({ pathPrefix, status: 500, count: 1_000_000 });
      const p = new OperatorProcess({
        kubeconfigPath: env.kubeconfigPath,
        extraArgs: ['--namespace', 'team', ...(selector ? ['--selector', selector] : [])],
      });
      env.operators.push(p);
      await p.start();
      await p.waitForLog((l) => l.message === 'controllers started', 20_000);
      expect(env.dc.faults.injected(), 'cluster-wide requests').to.deep.equal({});
      await p.kill('SIGTERM');
    });
  }
});
