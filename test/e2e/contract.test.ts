import { expect } from 'chai';
import type { SchemaMigration } from '../../src/api/index.js';
import { pods as podsResource } from '../../src/controllers/resources.js';
import type { PodObject } from '../../src/kube/index.js';
import { freshDatabase, query } from '../support/pg.js';
import {
  apply,
  condition,
  readSmig,
  useOperatorEnv,
  waitForEvent,
  waitForSmig,
  type OperatorEnv,
} from '../support/operator.js';
import { prepare, schemaMigration } from '../support/manifests.js';
import { gatedPod } from '../support/podgate-timeline.js';

/** The rename-column example of docs/expand-contract.md: 005 expands, 006 contracts. */
const FILES = {
  '004_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, fullname text);',
  '005_add_display_name.sql':
    'ALTER TABLE users ADD COLUMN display_name text;\nUPDATE users SET display_name = fullname;',
  '006_drop_fullname.sql': '-- schema-operator: contract\nALTER TABLE users DROP COLUMN fullname;',
};
/** The bound the issue asks for, from the last old pod's deletion to the contract applied. */
const BOUND_MS = 2000;

const pods = (env: OperatorEnv) => env.client.resource<PodObject>(podsResource);

/** Polls `f` every 20 ms until it returns a value (at most 10 s). */
async function until<T>(f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A running (released) pod of the old release, or of none when `minVersion` is absent. */
const runningPod = (ns: string, name: string, minVersion?: string) =>
  gatedPod(ns, name, 'api', { minVersion, gate: false });

const waiting = (o: SchemaMigration | undefined) =>
  o?.status?.appliedVersion === '005' &&
  condition(o, 'ContractPending')?.status === 'True' &&
  condition(o, 'Ready')?.status === 'True';

describe('contract migrations with the operator, a devcluster and PostgreSQL 18', function () {
  this.timeout(90_000);
  const env = useOperatorEnv();
  const gatesOf = async (ns: string, name: string) =>
    (await pods(env).get({ namespace: ns, name })).spec?.schedulingGates ?? [];

  async function start(ns: string, before: PodObject[]): Promise<string> {
    const url = await freshDatabase(18);
    await prepare(env, ns, 'api', url, FILES);
    for (const p of before) await pods(env).create(p);
    await apply(env, schemaMigration(ns, 'api'));
    return url;
  }

  const ledger = async (url: string) =>
    (
      await query<{ version: string }>(
        url,
        'SELECT version FROM schema_operator_history ORDER BY installed_rank',
      )
    ).map((r) => r.version);

  /** Deletes `name` and returns how long the contract took to be applied after it. */
  async function deleteAndTime(ns: string, name: string): Promise<number> {
    const t0 = performance.now();
    await pods(env).delete({ namespace: ns, name });
    await waitForSmig(env, ns, 'api', (o) => o?.status?.appliedVersion === '006', 10_000);
    return Math.round(performance.now() - t0);
  }

  it('holds 006 while a pod at min-version 004 runs, then applies it within 2 s of its deletion', async () => {
    const ns = 'contract-rollout';
    const url = await start(ns, [runningPod(ns, 'api-v1', '004')]);
    const held = await waitForSmig(env, ns, 'api', waiting, 30_000);
    expect(condition(held, 'ContractPending')).to.deep.include({ reason: 'WaitingForRollout' });
    expect(condition(held, 'ContractPending')?.message).to.include(
      'api-v1 (no owner, min-version 004)',
    );
    expect(held.status?.contract).to.deep.include({ waitingVersions: ['006'], blockingCount: 1 });
    expect(await ledger(url)).to.deep.equal(['004', '005']);
    await waitForEvent(env, ns, 'api', 'ContractWaiting');

    // A new pod at 005 is released by the expand migration while 006 waits, and does not block.
    await pods(env).create(gatedPod(ns, 'api-v2', 'api', { minVersion: '005' }));
    await until(async () => ((await gatesOf(ns, 'api-v2')).length === 0 ? true : undefined));
    expect(waiting(await readSmig(env, ns, 'api'))).to.equal(true);
    const ms = await deleteAndTime(ns, 'api-v1');
    console.log(
      `      006 applied ${ms} ms after the last old pod was deleted (bound ${BOUND_MS} ms)`,
    );
    expect(ms).to.be.below(BOUND_MS);
    const done = await waitForSmig(
      env,
      ns,
      'api',
      (o) => condition(o, 'ContractPending')?.status === 'False',
    );
    expect(done.status?.contract).to.equal(undefined);
    expect(await ledger(url)).to.deep.equal(['004', '005', '006']);
  });

  it('lets a pod without min-version block, as one needing the oldest schema', async () => {
    const ns = 'contract-no-min';
    await start(ns, [runningPod(ns, 'legacy')]);
    const held = await waitForSmig(env, ns, 'api', waiting, 30_000);
    expect(held.status?.contract?.blockingPods).to.deep.equal([{ name: 'legacy' }]);
    const ms = await deleteAndTime(ns, 'legacy');
    console.log(`      006 applied ${ms} ms after the pod without min-version was deleted`);
  });

  it('reports a deadlock when a gated pod needs 006 while an old pod blocks it', async () => {
    const ns = 'contract-deadlock';
    await start(ns, [
      runningPod(ns, 'api-v1', '004'),
      gatedPod(ns, 'api-v3', 'api', { minVersion: '006' }),
    ]);
    const dead = await waitForSmig(
      env,
      ns,
      'api',
      (o) => condition(o, 'ContractPending')?.reason === 'ContractDeadlock',
      30_000,
    );
    expect(condition(dead, 'Ready')?.status).to.equal('True');
    expect(dead.status?.contract?.deadlockedPods).to.deep.equal(['api-v3']);
    const e = await waitForEvent(env, ns, 'api-v3', 'ContractDeadlock');
    expect(e.type).to.equal('Warning');
    expect(e.note).to.match(/^kept gated: it needs version 006/);
  });

  it('waits again after an operator restart, applying nothing twice', async () => {
    const ns = 'contract-restart';
    const url = await start(ns, [runningPod(ns, 'api-v1', '004')]);
    await waitForSmig(env, ns, 'api', waiting, 30_000);
    const op = env.operators[0]!;
    await op.restart();
    await op.waitForLog((l) => l.message === 'controllers started', 20_000);
    // The new process reconciles the CR again and still holds 006.
    await new Promise((r) => setTimeout(r, 1000));
    expect(waiting(await waitForSmig(env, ns, 'api', waiting))).to.equal(true);
    expect(await ledger(url)).to.deep.equal(['004', '005']);
    const ms = await deleteAndTime(ns, 'api-v1');
    console.log(`      006 applied ${ms} ms after the deletion, after a restart`);
    expect(await ledger(url)).to.deep.equal(['004', '005', '006']);
  });
});
