import { expect } from 'chai';
import { parseBindAddress, startHealthServer } from '../../../src/observability/health-server.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';

describe('health server', () => {
  const table: Array<[string, { host: string | undefined; port: number }]> = [
    [':8080', { host: undefined, port: 8080 }],
    ['127.0.0.1:9090', { host: '127.0.0.1', port: 9090 }],
    ['[::1]:8081', { host: '::1', port: 8081 }],
    ['0', { host: '127.0.0.1', port: 0 }],
  ];
  for (const [addr, want] of table)
    it(`parses the bind address ${addr}`, () => expect(parseBindAddress(addr)).to.deep.equal(want));

  it('rejects a bind address without a port', () =>
    expect(() => parseBindAddress('localhost')).to.throw(RangeError));

  it('answers healthz always, readyz by its checks, and metrics in the Prometheus format', async () => {
    let synced = false;
    const metrics = new OperatorMetrics();
    const srv = await startHealthServer({
      bindAddress: '127.0.0.1:0',
      metrics,
      readiness: [{ name: 'informers-synced', check: () => synced }],
    });
    try {
      expect((await fetch(`${srv.url}/healthz`)).status).to.equal(200);
      const notReady = await fetch(`${srv.url}/readyz`);
      expect(notReady.status).to.equal(503);
      expect(await notReady.text()).to.contain('[-]informers-synced failed');
      synced = true;
      expect((await fetch(`${srv.url}/readyz`)).status).to.equal(200);
      const text = await (await fetch(`${srv.url}/metrics`)).text();
      for (const name of [
        'controller_runtime_reconcile_total',
        'controller_runtime_reconcile_time_seconds',
        'workqueue_depth',
        'leader_election_master_status',
        'schema_operator_migrations_applied_total',
        'schema_operator_migration_failures_total',
        'process_cpu_user_seconds_total',
      ])
        expect(text).to.contain(`# HELP ${name}`);
      expect((await fetch(`${srv.url}/nope`)).status).to.equal(404);
    } finally {
      await srv.close();
    }
  });
});
