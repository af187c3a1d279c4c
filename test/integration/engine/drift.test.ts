import { expect } from 'chai';
import { checkDrift, migrate, parseMigration } from '../../../src/engine/index.js';
import { freshDatabase, query } from '../../support/pg.js';

const noSleep = async () => undefined;
const first = parseMigration({
  name: '001_init.sql',
  content: `
    CREATE TYPE mood AS ENUM ('ok', 'sad');
    CREATE TABLE sessions (id serial PRIMARY KEY, org_id varchar(40) NOT NULL, m mood);
    CREATE INDEX sessions_org ON sessions (org_id);
    CREATE VIEW v AS SELECT id FROM sessions;
    CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
    CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER t BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION tf();`,
});

describe('drift against the recorded fingerprint (PostgreSQL 18)', () => {
  let url: string;
  beforeEach(async () => {
    url = await freshDatabase(18);
    await migrate({ url, migrations: [first], sleep: noSleep });
  });
  const drift = async () => (await checkDrift({ url, migrations: [first] })).items;

  it('is clean right after a run, and stays clean across no-op runs', async () => {
    expect(await drift()).to.deep.equal([]);
    await migrate({ url, migrations: [first], sleep: noSleep });
    expect(await drift()).to.deep.equal([]);
  });

  const cases: [string, string, string][] = [
    [
      'a column type',
      'ALTER TABLE sessions ALTER COLUMN org_id TYPE text',
      'column public.sessions.org_id: type character varying(40) -> text',
    ],
    ['a new column', 'ALTER TABLE sessions ADD COLUMN x int', 'column public.sessions.x: added'],
    ['a dropped index', 'DROP INDEX sessions_org', 'index public.sessions_org: removed'],
    ['a view', 'CREATE OR REPLACE VIEW v AS SELECT id, org_id FROM sessions', 'view public.v: '],
    [
      'a function body',
      `CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2'`,
      'function public.f(): ',
    ],
    ['a trigger', 'DROP TRIGGER t ON sessions', 'trigger public.sessions.t: removed'],
    [
      'an enum label',
      `ALTER TYPE mood ADD VALUE 'glad'`,
      'enum public.mood: ok,sad -> ok,sad,glad',
    ],
    ['a sequence', 'CREATE SEQUENCE s2', 'sequence public.s2: added'],
    [
      'a constraint',
      'ALTER TABLE sessions ADD CONSTRAINT c CHECK (id > 0)',
      'constraint public.sessions.c: added',
    ],
    [
      'a default',
      `ALTER TABLE sessions ALTER COLUMN org_id SET DEFAULT 'x'`,
      'column public.sessions.org_id: not null -> not null default',
    ],
  ];
  for (const [what, sql, expected] of cases)
    it(`detects ${what} changed by hand`, async () => {
      await query(url, sql);
      const items = await drift();
      expect(items.map((i) => i.description).join('\n')).to.include(expected);
    });

  it('clears when the change is undone by hand', async () => {
    await query(url, 'ALTER TABLE sessions ADD COLUMN x int');
    expect(await drift()).to.have.length(1);
    await query(url, 'ALTER TABLE sessions DROP COLUMN x');
    expect(await drift()).to.deep.equal([]);
  });

  it('never reports a change a new migration makes', async () => {
    const second = parseMigration({
      name: '002_x.sql',
      content: 'ALTER TABLE sessions ADD COLUMN x int;',
    });
    await migrate({ url, migrations: [first, second], sleep: noSleep });
    expect(await checkDrift({ url, migrations: [first, second] })).to.include({ recorded: true });
    expect((await checkDrift({ url, migrations: [first, second] })).items).to.deep.equal([]);
  });

  it('reports nothing recorded on a database no run has touched', async () => {
    const other = await freshDatabase(18);
    expect(await checkDrift({ url: other, migrations: [] })).to.deep.include({
      recorded: false,
      items: [],
    });
  });
});
