import { expect } from 'chai';
import { diffFingerprints, driftMessage } from '../../../src/engine/index.js';

describe('diffFingerprints', () => {
  it('reports nothing for equal fingerprints', () => {
    expect(diffFingerprints({ 'table app.a': 'r' }, { 'table app.a': 'r' })).to.deep.equal([]);
  });

  it('describes a column type change as `type old -> new`', () => {
    const items = diffFingerprints(
      { 'column app.sessions.org_id': 'character varying not null' },
      { 'column app.sessions.org_id': 'text not null' },
    );
    expect(items).to.deep.equal([
      {
        kind: 'changed',
        object: 'column app.sessions.org_id',
        description: 'column app.sessions.org_id: type character varying -> text',
      },
    ]);
  });

  it('describes a dropped not null and a new default beside the type', () => {
    const [item] = diffFingerprints(
      { 'column app.a.x': 'integer not null' },
      { 'column app.a.x': 'integer default 0' },
    );
    expect(item!.description).to.equal('column app.a.x: not null -> default 0');
  });

  it('names added and removed objects, sorted by key', () => {
    const items = diffFingerprints(
      { 'index app.b_idx': 'CREATE INDEX b_idx ON app.b USING btree (x)' },
      { 'table app.c': 'r' },
    );
    expect(items.map((i) => i.description)).to.deep.equal([
      'index app.b_idx: removed',
      'table app.c: added',
    ]);
  });

  it('shows the old and new definition of any other changed object', () => {
    const [item] = diffFingerprints({ 'enum app.mood': 'a,b' }, { 'enum app.mood': 'a,b,c' });
    expect(item!.description).to.equal('enum app.mood: a,b -> a,b,c');
  });
});

describe('driftMessage', () => {
  it('names at most the limit and counts the rest', () => {
    const live = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`table app.t${i}`, 'r']));
    const msg = driftMessage(diffFingerprints({}, live), 10);
    expect(msg.split('; ')).to.have.length(10);
    expect(msg).to.match(/\(and 2 more\)$/);
  });
});
