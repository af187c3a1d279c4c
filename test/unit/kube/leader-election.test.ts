import { expect } from 'chai';
import { ConflictError, ServerError } from '../../../src/kube/errors.js';
import { LeaderElector } from '../../../src/kube/leader-election.js';
import type { LeaseRecord, LeaseStore, VersionedLease } from '../../../src/kube/lease-store.js';
import { formatMicroTime, parseMicroTime } from '../../../src/kube/micro-time.js';
import { OperatorMetrics } from '../../../src/observability/metrics.js';
import { FakeClock, flush } from '../../support/fake-clock.js';

/** An in-memory lease with the API server's optimistic concurrency. */
class MemoryLease {
  lease: VersionedLease | undefined;
  private rv = 0;
  writes: LeaseRecord[] = [];
  store(failing: () => boolean = () => false): LeaseStore {
    return {
      description: 'ns/lock',
      get: async () => {
        if (failing()) throw new ServerError('ServerError', 'down');
        return this.lease && structuredClone(this.lease);
      },
      create: async (record) => {
        if (failing()) throw new ServerError('ServerError', 'down');
        if (this.lease) throw new ConflictError('AlreadyExists', 'exists');
        return this.write(record);
      },
      update: async (record, resourceVersion) => {
        if (failing()) throw new ServerError('ServerError', 'down');
        if (this.lease?.resourceVersion !== resourceVersion)
          throw new ConflictError('Conflict', 'stale');
        return this.write(record);
      },
    };
  }
  private write(record: LeaseRecord): VersionedLease {
    this.writes.push(record);
    this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
    return structuredClone(this.lease);
  }
}

function candidate(mem: MemoryLease, clock: FakeClock, identity: string, failing?: () => boolean) {
  const log: string[] = [];
  const metrics = new OperatorMetrics({ processMetrics: false });
  const elector = new LeaderElector({ store: mem.store(failing), identity, clock, metrics });
  const done = elector.run({
    onStartedLeading: () => log.push('started'),
    onStoppedLeading: () => log.push('stopped'),
    onNewLeader: (id) => log.push(`leader ${id}`),
  });
  return { elector, log, done, metrics };
}

describe('leader election', () => {
  it('formats lease times as MicroTime with six fractional digits, and parses them back', () => {
    const ms = Date.UTC(2025, 0, 2, 3, 4, 5, 123) + 0.456;
    expect(formatMicroTime(ms)).to.equal('2025-01-02T03:04:05.123456Z');
    expect(parseMicroTime('2025-01-02T03:04:05.123456Z')).to.be.closeTo(ms, 1e-6);
    expect(parseMicroTime('2025-01-02T03:04:05Z')).to.equal(Date.UTC(2025, 0, 2, 3, 4, 5));
  });

  it('creates the lease and leads when nobody holds it', async () => {
    const mem = new MemoryLease();
    const clock = new FakeClock();
    const a = candidate(mem, clock, 'a');
    await flush();
    expect(a.elector.isLeader()).to.equal(true);
    expect(a.log).to.deep.equal(['leader a', 'started']);
    expect(mem.lease?.record).to.include({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect((await a.metrics.leaderStatus.get()).values[0]?.value).to.equal(1);
    await a.elector.stop();
  });

  it('never lets two candidates lead at once, and renews every retry period', async () => {
    const mem = new MemoryLease();
    const clock = new FakeClock();
    const a = candidate(mem, clock, 'a');
    const b = candidate(mem, clock, 'b');
    for (let i = 0; i < 30; i++) {
      await clock.advance(1000);
      expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).to.have.length(1);
    }
    expect(mem.writes.length).to.be.greaterThan(10);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('hands over at once when the leader releases the lease on shutdown', async () => {
    const mem = new MemoryLease();
    const clock = new FakeClock();
    const a = candidate(mem, clock, 'a');
    await flush();
    const b = candidate(mem, clock, 'b');
    await clock.advance(5000);
    expect(b.elector.isLeader()).to.equal(false);
    await a.elector.stop();
    expect(mem.lease?.record.holderIdentity).to.equal('');
    await clock.advance(2500); // one retry period (with jitter), far less than the 15 s lease
    expect(b.elector.isLeader()).to.equal(true);
    expect(mem.lease?.record.leaseTransitions).to.equal(1);
    expect(a.log).to.not.include('stopped');
    await b.elector.stop();
  });

  it('steps down after the renew deadline when it cannot renew, and a follower takes over after the lease expires', async () => {
    const mem = new MemoryLease();
    const clock = new FakeClock();
    let aBroken = false;
    const a = candidate(mem, clock, 'a', () => aBroken);
    await flush();
    const b = candidate(mem, clock, 'b');
    await clock.advance(3000);
    aBroken = true;
    const brokeAt = clock.now();
    while (!a.log.includes('stopped')) await clock.advance(500);
    expect(clock.now() - brokeAt).to.be.within(8_000, 12_500);
    await a.done;
    expect(a.elector.isLeader()).to.equal(false);
    while (!b.elector.isLeader()) await clock.advance(500);
    expect(clock.now() - brokeAt).to.be.within(12_000, 20_000);
    expect(mem.lease?.record).to.include({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(b.log).to.include('leader b');
    await b.elector.stop();
  });

  it('refuses a renew deadline that is not shorter than the lease', () => {
    const mem = new MemoryLease();
    expect(
      () =>
        new LeaderElector({
          store: mem.store(),
          identity: 'x',
          leaseDurationMs: 5000,
          renewDeadlineMs: 5000,
        }),
    ).to.throw(RangeError);
  });
});
