import { expect } from 'chai';
import { useDevCluster } from '../support/devcluster.js';
import {
  http,
  installCrds,
  killAll,
  start,
  until,
  within,
  type Spawned,
} from '../support/spawned.js';

/** One `schema-operator run` process and where it serves probes. */
interface Replica {
  id: string;
  proc: Spawned;
  healthUrl: string;
}

describe('schema-operator run: leader election between two processes', function () {
  this.timeout(120_000);
  const f = useDevCluster();
  before(() => installCrds(f.url));
  afterEach(() => killAll());

  async function replica(id: string, lease: string): Promise<Replica> {
    const proc = start(
      [
        'run',
        '--kubeconfig',
        f.kubeconfigPath,
        '--bind-address',
        '127.0.0.1:0',
        '--lease-namespace',
        'default',
        '--lease-name',
        lease,
      ],
      { POD_NAME: id, LOG_LEVEL: 'info' },
    );
    // The bind address has port 0: the start-up log line names the real URL.
    const m = await proc.waitFor(/"healthUrl":"(http:\/\/127\.0\.0\.1:\d+)"/, 20_000);
    return { id, proc, healthUrl: m[1]! };
  }

  const holder = async (lease: string): Promise<string | undefined> => {
    const r = await http(`${f.url}/apis/coordination.k8s.io/v1/namespaces/default/leases/${lease}`);
    return r.status === 200 ? ((r.body.spec?.holderIdentity as string | null) ?? '') : undefined;
  };

  const leaderGauge = async (r: Replica): Promise<number> => {
    const text = (await http(`${r.healthUrl}/metrics`)).text;
    const m = /^leader_election_master_status\{[^}]*\} (\d+)$/m.exec(text);
    return m ? Number(m[1]) : NaN;
  };

  /** Starts two replicas and waits until one leads; returns [leader, standby]. */
  async function pair(lease: string): Promise<[Replica, Replica]> {
    const [a, b] = await Promise.all([replica(`${lease}-a`, lease), replica(`${lease}-b`, lease)]);
    const leaderId = await until(
      async () => {
        const h = await holder(lease);
        return h === a.id || h === b.id ? h : undefined;
      },
      { timeoutMs: 10_000, what: 'a leader' },
    );
    const [leader, standby] = leaderId === a.id ? [a, b] : [b, a];
    // The gauge is set just after the Lease write that made the leader.
    await until(async () => ((await leaderGauge(leader)) === 1 ? true : undefined), {
      timeoutMs: 5_000,
      what: `${leader.id} reporting leadership`,
    });
    return [leader, standby];
  }

  it('lets exactly one of two replicas lead, as the Lease and both /metrics say', async () => {
    const [leader, standby] = await pair('le-one');
    expect(await holder('le-one')).to.equal(leader.id);
    expect(await leaderGauge(leader)).to.equal(1);
    expect(await leaderGauge(standby)).to.equal(0);
    // A standby keeps campaigning without taking over a live lease.
    await new Promise((r) => setTimeout(r, 4_500));
    expect(await holder('le-one')).to.equal(leader.id);
    expect(await leaderGauge(standby)).to.equal(0);
  });

  it('answers /healthz and /readyz on the leader and on the standby', async () => {
    for (const r of await pair('le-probes')) {
      expect((await http(`${r.healthUrl}/healthz`)).status, r.id).to.equal(200);
      const ready = await until(
        async () => {
          const res = await http(`${r.healthUrl}/readyz`);
          return res.status === 200 ? res.text : undefined;
        },
        { timeoutMs: 10_000, what: `${r.id} ready` },
      );
      expect(ready).to.contain('[+]informers-synced ok').and.contain('[+]leader-election ok');
    }
  });

  it('hands the lease over at once when the leader is SIGTERMed, and the leader exits 0', async () => {
    const [leader, standby] = await pair('le-term');
    const termAt = Date.now();
    leader.proc.child.kill('SIGTERM');
    const exit = await within(leader.proc.exited, 5_000, 'leader exit after SIGTERM');
    const exitedIn = Date.now() - termAt;
    expect(exit.code, leader.proc.output()).to.equal(0);
    expect(leader.proc.output()).to.contain('released the lease');
    await until(async () => ((await holder('le-term')) === standby.id ? true : undefined), {
      timeoutMs: 8_000,
      everyMs: 50,
      what: 'takeover after SIGTERM',
    });
    const took = Date.now() - termAt;
    console.log(
      `      leader exited ${(exitedIn / 1000).toFixed(1)} s after SIGTERM; takeover after ${(took / 1000).toFixed(1)} s`,
    );
    // The standby retries every 2 s (+20% jitter) and finds the lease free; without
    // the release it would wait out the 15 s lease. The margin is for a loaded machine.
    expect(took).to.be.below(6_000);
    await until(async () => ((await leaderGauge(standby)) === 1 ? true : undefined), {
      timeoutMs: 2_000,
      what: 'the new leader reporting leadership',
    });
  });

  it('exits 0 on SIGTERM as a standby, leaving the leader in place', async () => {
    const [leader, standby] = await pair('le-standby');
    standby.proc.child.kill('SIGTERM');
    const exit = await within(standby.proc.exited, 5_000, 'standby exit after SIGTERM');
    expect(exit.code, standby.proc.output()).to.equal(0);
    expect(await holder('le-standby')).to.equal(leader.id);
    expect((await http(`${leader.healthUrl}/healthz`)).status).to.equal(200);
  });
});
