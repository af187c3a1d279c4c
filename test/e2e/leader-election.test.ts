import { expect } from 'chai';
import { freshDatabase, query, server } from '../support/pg.js';
import {
  apply,
  hasCondition,
  sleep,
  useOperatorEnv,
  waitForSmig,
  type OperatorProcess,
} from '../support/operator.js';
import {
  configMap,
  dbSecret,
  expectNoSecretAnywhere,
  namespace,
  schemaMigration,
} from './manifests.js';

const NS = 'fleet';
const CRS = ['a', 'b', 'c', 'd'];
const STEPS = 6;

/** Migrations that each leave one row in `runs` and take a while. */
function slowFiles(cr: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= STEPS; i++) {
    const v = String(i).padStart(3, '0');
    out[`${v}_step.sql`] =
      `INSERT INTO runs (cr, version) VALUES ('${cr}', '${v}');\nSELECT pg_sleep(0.4);`;
  }
  return out;
}

describe('two operator processes with leader election (PostgreSQL 18)', function () {
  this.timeout(90_000);
  const env = useOperatorEnv({ operators: 0 });
  let url = '';

  before(async () => {
    url = await freshDatabase(18);
    await query(url, 'CREATE TABLE runs (cr text, version text, at timestamptz DEFAULT now())');
    await apply(env, namespace(NS), dbSecret(NS, 'db', url));
    for (const cr of CRS) await apply(env, configMap(NS, `${cr}-migrations`, slowFiles(cr)));
  });

  it('applies every migration once, and the follower finishes after the leader is killed', async () => {
    const [p1, p2] = [
      await env.startOperator({ leaderElect: true }),
      await env.startOperator({ leaderElect: true }),
    ];
    const leader = await firstLeader([p1!, p2!]);
    const follower = leader === p1 ? p2! : p1!;
    await leader.waitForLog((l) => l.message === 'controllers started');

    // One database, a history table per CR (one shared table would be a Conflict), each in a
    // schema of its own (`runs` in public would make the engine refuse an "existing schema").
    await apply(
      env,
      ...CRS.map((cr) => schemaMigration(NS, cr, { historyTable: { schema: `hist_${cr}` } })),
    );
    const killAt = 6; // of CRS.length * STEPS rows
    const deadline = Date.now() + 15_000;
    for (let n = 0; n < killAt; n = await runsCount(url)) {
      expect(Date.now(), 'the leader applies nothing').to.be.below(deadline);
      await sleep(20);
    }
    const mark = follower.mark();
    const killed = performance.now();
    await leader.kill('SIGKILL');
    expect(follower.logs(mark).some((l) => l.message === 'became leader')).to.equal(false);

    await follower.waitForLog((l) => l.message === 'became leader', 25_000, mark);
    const takeover = performance.now() - killed;
    console.log(`      the follower led ${Math.round(takeover)} ms after the leader was killed`);
    expect(takeover).to.be.below(20_000);
    for (const cr of CRS) await waitForSmig(env, NS, cr, hasCondition('Ready', 'True'), 20_000);

    const runs = await query<{ cr: string; version: string; n: number }>(
      url,
      'SELECT cr, version, count(*)::int AS n FROM runs GROUP BY 1, 2 ORDER BY 1, 2',
    );
    expect(runs).to.have.length(CRS.length * STEPS);
    expect(runs.filter((r) => r.n !== 1)).to.deep.equal([]);
    for (const cr of CRS) {
      const ledger = await query<{ version: string }>(
        url,
        `SELECT version FROM hist_${cr}.schema_operator_history ORDER BY installed_rank`,
      );
      expect(ledger.map((r) => r.version)).to.deep.equal(
        Array.from({ length: STEPS }, (_, i) => String(i + 1).padStart(3, '0')),
      );
    }
  });

  describe('after all of that', () => {
    it('never shows the database password in logs, Events or status', async () => {
      await expectNoSecretAnywhere(env, (await server(18)).password, [NS]);
    });
  });
});

async function runsCount(url: string): Promise<number> {
  return (await query<{ n: number }>(url, 'SELECT count(*)::int AS n FROM runs'))[0]!.n;
}

/** The process that logs `became leader` first. */
async function firstLeader(ps: OperatorProcess[]): Promise<OperatorProcess> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const p = ps.find((x) => x.logs().some((l) => l.message === 'became leader'));
    if (p) return p;
    if (Date.now() > deadline) throw new Error('no process became leader');
    await sleep(25);
  }
}
