import { expect } from 'chai';
import type { SchemaMigration } from '../../../src/api/index.js';
import { waitForMigration, WaitRefusedError } from '../../../src/cli/wait.js';
import {
  ForbiddenError,
  GoneError,
  NotFoundError,
  UnavailableError,
  type WatchEvent,
  type WatchOptions,
} from '../../../src/kube/index.js';

type Smig = SchemaMigration;

function smig(rv: string, ready: boolean, applied = '008', gen = 1): Smig {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'ns', generation: gen, resourceVersion: rv },
    spec: { database: { urlSecretRef: { name: 'db' } }, source: { configMaps: [{ name: 'm' }] } },
    status: {
      observedGeneration: gen,
      appliedVersion: applied,
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'Applied' : 'Applying',
          message: '',
          observedGeneration: gen,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  };
}

/**
 * A fake client: `gets` answer the reads in turn; each `watches` entry is one
 * watch stream's events (an Error entry makes it fail); after the last the
 * watch hangs until aborted.
 */
function fakeClient(gets: Array<Smig | Error>, watches: Array<Array<WatchEvent<Smig> | Error>>) {
  const calls: string[] = [];
  const client = {
    async get() {
      calls.push('get');
      const next = gets.shift() ?? new NotFoundError('NotFound', 'not found');
      if (next instanceof Error) throw next;
      return next;
    },
    async watch(o: WatchOptions, on: (e: WatchEvent<Smig>) => void) {
      calls.push(`watch@${o.resourceVersion}:${o.fieldSelector}`);
      const events = watches.shift();
      if (!events)
        return new Promise<void>((resolve) => o.signal?.addEventListener('abort', () => resolve()));
      for (const e of events) {
        if (e instanceof Error) throw e;
        on(e);
        if (o.signal?.aborted) return;
      }
    },
  };
  return { client, calls };
}

const base = { namespace: 'ns', name: 'api', backoff: { baseMs: 1, maxMs: 1 } };

describe('waiting for a SchemaMigration', () => {
  it('returns at once when it is already Ready', async () => {
    const f = fakeClient([smig('5', true)], []);
    const r = await waitForMigration({ ...base, client: f.client, timeoutMs: 1000 });
    expect(r).to.include({ satisfied: true, appliedVersion: '008' });
    expect(f.calls).to.deep.equal(['get']);
  });

  it('watches only that object from its resourceVersion and returns on Ready', async () => {
    const states: string[] = [];
    const f = fakeClient(
      [smig('5', false)],
      [
        [
          { type: 'MODIFIED', object: smig('6', false, '007') },
          { type: 'MODIFIED', object: smig('7', true) },
        ],
      ],
    );
    const r = await waitForMigration({
      ...base,
      client: f.client,
      timeoutMs: 1000,
      onState: (s) => states.push(s),
    });
    expect(r.satisfied).to.equal(true);
    expect(f.calls).to.deep.equal(['get', 'watch@5:metadata.name=api']);
    expect(states).to.deep.equal(['Ready=False (Applying)']);
  });

  it('waits for a version past the applied one', async () => {
    const f = fakeClient(
      [smig('5', true, '008')],
      [[{ type: 'MODIFIED', object: smig('9', true, '009') }]],
    );
    const states: string[] = [];
    const r = await waitForMigration({
      ...base,
      version: '009',
      client: f.client,
      timeoutMs: 1000,
      onState: (s) => states.push(s),
    });
    expect(r).to.include({ satisfied: true, appliedVersion: '009' });
    expect(states).to.deep.equal(['it is Ready at version 008']);
  });

  it('waits for a SchemaMigration that does not exist yet', async () => {
    const f = fakeClient(
      [new NotFoundError('NotFound', 'not found')],
      [[{ type: 'ADDED', object: smig('3', true) }]],
    );
    const states: string[] = [];
    const r = await waitForMigration({
      ...base,
      client: f.client,
      timeoutMs: 1000,
      onState: (s) => states.push(s),
    });
    expect(r.satisfied).to.equal(true);
    expect(f.calls[1]).to.equal('watch@:metadata.name=api');
    expect(states).to.deep.equal(['SchemaMigration ns/api does not exist (yet)']);
  });

  it('resumes an ended watch from the last version seen and re-reads after 410', async () => {
    const f = fakeClient(
      [smig('5', false), smig('20', true)],
      [
        [{ type: 'BOOKMARK', object: { metadata: { resourceVersion: '8' } } as Smig }],
        [new GoneError('Expired', 'too old')],
      ],
    );
    const r = await waitForMigration({ ...base, client: f.client, timeoutMs: 1000 });
    expect(r.satisfied).to.equal(true);
    expect(f.calls).to.deep.equal([
      'get',
      'watch@5:metadata.name=api',
      'watch@8:metadata.name=api',
      'get',
    ]);
  });

  it('retries an unreachable API until it answers', async () => {
    const f = fakeClient(
      [new UnavailableError('Unavailable', 'connection refused'), smig('5', true)],
      [],
    );
    const states: string[] = [];
    const r = await waitForMigration({
      ...base,
      client: f.client,
      timeoutMs: 1000,
      onState: (s) => states.push(s),
    });
    expect(r.satisfied).to.equal(true);
    expect(states[0]).to.contain('cannot read it yet: connection refused');
  });

  it('gives up after the timeout with what it still waited for', async () => {
    const f = fakeClient([smig('5', false)], []);
    const t0 = Date.now();
    const r = await waitForMigration({ ...base, client: f.client, timeoutMs: 100 });
    expect(r).to.deep.equal({ satisfied: false, last: 'Ready=False (Applying)' });
    expect(Date.now() - t0).to.be.within(90, 1000);
  });

  it('refuses at once when RBAC forbids reading it', async () => {
    const f = fakeClient(
      [new ForbiddenError('Forbidden', 'schemamigrations "api" is forbidden')],
      [],
    );
    let thrown: unknown;
    await waitForMigration({ ...base, client: f.client, timeoutMs: 1000 }).catch(
      (e: unknown) => (thrown = e),
    );
    expect(thrown).to.be.instanceOf(WaitRefusedError);
    expect((thrown as Error).message).to.contain('get and watch on schemamigrations');
  });
});
