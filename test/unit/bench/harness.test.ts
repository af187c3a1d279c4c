import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaMigrations } from '../../../src/controllers/resources.js';
import type { BenchContext } from '../../bench/context.js';
import { withBenchCluster, type BenchCluster } from '../../bench/harness.js';
import { LATENCY_HEADER, latency } from '../../bench/table.js';
import { isReady, until } from '../../support/poll.js';

describe('benchmark harness', () => {
  describe('withBenchCluster', () => {
    let tmp = '';
    // The harness needs only the scratch space; no database is touched.
    const ctx = () => ({ tmp, rounds: null, serverVersion: '' }) as unknown as BenchContext;
    before(() => (tmp = mkdtempSync(join(tmpdir(), 'bench-harness-'))));
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('hands over a devcluster with the CRDs installed and a kubeconfig in its scratch directory', async () => {
      const seen = await withBenchCluster(ctx(), { name: 'h' }, async (c) => {
        await c.namespace('bench');
        await c.urlSecret('bench', 'db', 'postgres://db/x');
        const secret = (await c.core('secrets').get({ namespace: 'bench', name: 'db' })) as {
          data?: Record<string, string>;
        };
        return {
          smigs: (await c.client.resource(schemaMigrations).list()).items.length,
          url: Buffer.from(secret.data?.url ?? '', 'base64').toString(),
          kubeconfigPath: c.kubeconfigPath,
          dir: c.dir,
        };
      });
      expect(seen.smigs).to.equal(0);
      expect(seen.url).to.equal('postgres://db/x');
      expect(seen.dir.startsWith(join(tmp, 'h-'))).to.equal(true);
      expect(seen.kubeconfigPath).to.equal(join(seen.dir, 'kubeconfig'));
    });

    it('runs deferred clean-ups last first while the devcluster still serves, then stops it, also on failure', async () => {
      const order: string[] = [];
      let cluster: BenchCluster | undefined;
      const failed = await withBenchCluster(ctx(), { name: 'h' }, async (c) => {
        cluster = c;
        for (const n of ['first', 'second'])
          c.defer(async () => {
            await c.core('namespaces').list();
            order.push(n);
          });
        throw new Error('the benchmark failed');
      }).catch((e: Error) => e.message);
      expect(failed).to.equal('the benchmark failed');
      expect(order).to.deep.equal(['second', 'first']);
      const after = await cluster!
        .core('namespaces')
        .list()
        .then(
          () => 'answered',
          () => 'stopped',
        );
      expect(after).to.equal('stopped');
    });
  });

  describe('latency', () => {
    it('sums up times as median, p95, min and max cells in the header order', () => {
      const l = latency([40, 10, 30, 20, 100]);
      expect(LATENCY_HEADER).to.deep.equal(['median ms', 'p95 ms', 'min ms', 'max ms']);
      expect(l.cells).to.deep.equal(['30', '100', '10', '100']);
      expect([l.p50, l.p95]).to.deep.equal([30, 100]);
    });

    it('meets a goal only when both the median and p95 are within it', () => {
      expect(latency([10, 20, 30]).within(30)).to.equal(true);
      expect(latency([10, 20, 31]).within(30)).to.equal(false);
      expect(latency([10, 31, 31]).within(30)).to.equal(false);
    });
  });

  describe('polling', () => {
    it('reads Ready only from a Ready condition that is True', () => {
      const cond = (status: string) => ({ status: { conditions: [{ type: 'Ready', status }] } });
      expect(isReady(cond('True'))).to.equal(true);
      expect(isReady(cond('False'))).to.equal(false);
      expect(isReady({ status: { conditions: [{ type: 'Synced', status: 'True' }] } })).to.equal(
        false,
      );
      expect(isReady({})).to.equal(false);
      expect(isReady(undefined)).to.equal(false);
    });

    it('polls until the check passes', async () => {
      let calls = 0;
      await until('three calls', 1_000, async () => ++calls === 3, 1);
      expect(calls).to.equal(3);
    });

    it('gives up after its timeout, naming what it waited for', async () => {
      const err = await until('never', 20, async () => false, 5).catch((e: Error) => e.message);
      expect(err).to.equal('never: not done in 20 ms');
    });
  });
});
