import { expect } from 'chai';
import fc from 'fast-check';
import {
  decode,
  difference,
  encode,
  fromFieldsV1,
  recursiveDifference,
  startsWith,
  toFieldsV1,
} from '../../../src/devcluster/apply/fieldpath.js';
import { compare, fieldSetOf } from '../../../src/devcluster/apply/fieldset.js';
import { crdShape } from '../../../src/devcluster/apply/schema.js';

/** recursiveDifference as defined: by decoded paths. */
function reference(a: Set<string>, b: Set<string>): Set<string> {
  const prefixes = [...b].map(decode);
  return new Set([...a].filter((m) => !prefixes.some((q) => startsWith(decode(m), q))));
}

// Elements with the characters that could fool a textual prefix test.
const element = fc.constantFrom(
  'f:a',
  'f:a"',
  'f:a\\',
  'f:a,',
  'f:a","f:b',
  'k:{"x":"a"}',
  'f:b',
  'x".',
);
const path = fc.array(element, { maxLength: 4 });
const set = fc.array(path, { maxLength: 8 }).map((ps) => new Set(ps.map(encode)));

describe('devcluster field sets', () => {
  it('remove what lies below a member exactly as the decoded paths say', () => {
    fc.assert(
      fc.property(set, set, (a, b) => {
        expect([...recursiveDifference(a, b)].sort()).to.deep.equal([...reference(a, b)].sort());
      }),
    );
  });

  it('give back the same set when an operation removes nothing', () => {
    const a = new Set([encode(['f:a']), encode(['f:b'])]);
    expect(difference(a, new Set([encode(['f:c'])]))).to.equal(a);
    expect(recursiveDifference(a, new Set([encode(['f:a', 'f:x'])]))).to.equal(a);
    expect(difference(a, new Set([encode(['f:a'])]))).to.deep.equal(new Set([encode(['f:b'])]));
  });

  it('encode a set once and read its own tree back as a walk would', () => {
    fc.assert(
      fc.property(set, (a) => {
        const tree = toFieldsV1(a);
        expect(toFieldsV1(a)).to.equal(tree);
        // Reading it gives what walking a copy of it (as a client sends it) gives, in that order.
        expect([...fromFieldsV1(tree)]).to.deep.equal([...fromFieldsV1(structuredClone(tree))]);
      }),
    );
  });

  it('read a tree of its own once, and encode what it read as that tree', () => {
    const a = new Set([encode(['f:b']), encode(['f:a', 'f:b']), encode(['f:a'])]);
    const tree = toFieldsV1(a);
    const read = fromFieldsV1(tree);
    expect([...read]).to.deep.equal([encode(['f:a']), encode(['f:a', 'f:b']), encode(['f:b'])]);
    expect(fromFieldsV1(tree)).to.equal(read);
    expect(toFieldsV1(read)).to.equal(tree);
  });

  it('make one tree for separate sets of the same members', () => {
    const members = [encode(['f:status', 'f:phase']), encode(['f:status'])];
    const tree = toFieldsV1(new Set(members));
    expect(toFieldsV1(new Set(members))).to.equal(tree);
    expect(tree).to.deep.equal({ 'f:status': { '.': {}, 'f:phase': {} } });
  });

  it('read a tree it did not make by walking it, canonical or not', () => {
    const sent = { 'f:a': { '.': {} }, 'f:b': {} };
    expect([...fromFieldsV1(sent)].sort()).to.deep.equal([encode(['f:a']), encode(['f:b'])]);
  });
});

describe('devcluster field sets of values', () => {
  // Keys with what JSON escapes, and list items keyed by a field, as kube types have them.
  const key = fc.constantFrom('a', 'b"', 'c\\', 'd,e', 'é', 'name', 'f\n');
  const leaf = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.dictionary(key, tie('node'), { maxKeys: 3 }),
      fc.array(fc.record({ name: fc.constantFrom('x', 'y"'), v: leaf }), { maxLength: 2 }),
    ),
  })).node;
  const shape = crdShape({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  });

  /** What the walks did before paths were kept as open strings: arrays, encoded at each member. */
  function referenceSet(v: unknown): string[] {
    const out: string[] = [];
    const walk = (x: unknown, path: string[]): void => {
      if (path.length > 0) out.push(encode(path));
      if (x !== null && typeof x === 'object' && !Array.isArray(x))
        for (const [k, c] of Object.entries(x)) walk(c, [...path, `f:${k}`]);
    };
    walk(v, []);
    return out;
  }

  it('name every field by the member encode makes of its path', () => {
    fc.assert(
      fc.property(value, (v) => {
        const added = compare(undefined, { root: v }, shape).added;
        expect([...added]).to.deep.equal(referenceSet({ root: v }));
        for (const m of added) expect(encode(decode(m))).to.equal(m);
        for (const m of fieldSetOf({ root: v }, shape)) expect(encode(decode(m))).to.equal(m);
      }),
    );
  });
});
