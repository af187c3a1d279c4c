import { expect } from 'chai';
import { UsageError } from '../../../src/cli/exit-codes.js';
import { operatorSettings, type RunFlags } from '../../../src/cli/run-command.js';

/** `run`'s flags with the defaults commander gives them. */
function defaults(overrides: Partial<RunFlags> = {}): RunFlags {
  return {
    leaderElect: true,
    leaseName: 'schema-operator',
    leaseNamespace: 'default',
    leaderElectLeaseDuration: '15s',
    leaderElectRenewDeadline: '10s',
    leaderElectRetryPeriod: '2s',
    bindAddress: ':8080',
    workers: '4',
    reconcileTimeout: '1h',
    maxReconcilesPerNamespace: '1',
    ...overrides,
  };
}

describe("run's flags as the operator's options", () => {
  it('turns the defaults into numbers and leaves the optional settings unset', () => {
    const o = operatorSettings(defaults());
    expect(o).to.include({
      workers: 4,
      reconcileTimeoutMs: 3_600_000,
      maxReconcilesPerNamespace: 1,
      leaderElect: true,
      leaseName: 'schema-operator',
      bindAddress: ':8080',
    });
    expect(o.leaderElection).to.deep.equal({
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    expect(o.defaultDatabaseRef).to.equal(undefined);
    expect(o.allowedDatabaseHosts).to.equal(undefined);
    expect(o.namespacePolicy?.pattern).to.equal(undefined);
    expect(o.bindableClusterRoles).to.deep.equal([]);
  });

  it('lists the bindable ClusterRoles, spaces and empty entries dropped', () => {
    const o = operatorSettings(
      defaults({ bindableClusterRoles: 'edit, view,,system:aggregate-to-view' }),
    );
    expect(o.bindableClusterRoles).to.deep.equal(['edit', 'view', 'system:aggregate-to-view']);
  });

  it('parses the default database reference and the namespace pattern', () => {
    const o = operatorSettings(
      defaults({ defaultDatabaseRef: 'streamspace/api', orgNamespacePattern: 'org-[a-z]+' }),
    );
    expect(o.defaultDatabaseRef).to.deep.equal({ namespace: 'streamspace', name: 'api' });
    expect(o.namespacePolicy?.pattern?.test('org-acme')).to.equal(true);
  });

  const bad: Array<[string, Partial<RunFlags>, RegExp]> = [
    ['no reconcile slot per namespace', { maxReconcilesPerNamespace: '0' }, /at least 1/],
    ['a database reference without a namespace', { defaultDatabaseRef: 'api' }, /NAMESPACE\/NAME/],
    ['a renew deadline as long as the lease', { leaderElectRenewDeadline: '15s' }, /shorter/],
    ['a reconcile timeout past 24h', { reconcileTimeout: '25h' }, /--reconcile-timeout/],
    ['a namespace pattern that is no regular expression', { orgNamespacePattern: '(' }, /./],
    ['a bindable ClusterRole that is no name', { bindableClusterRoles: 'edit,Admin*' }, /Admin\*/],
  ];
  for (const [what, flags, message] of bad) {
    it(`refuses ${what} as a usage error`, () => {
      expect(() => operatorSettings(defaults(flags))).to.throw(UsageError, message);
    });
  }

  it('reports the first bad flag in the order run reads them', () => {
    expect(() =>
      operatorSettings(defaults({ workers: 'many', maxReconcilesPerNamespace: '0' })),
    ).to.throw(UsageError, /--workers/);
  });
});
