import { expect } from 'chai';
import { jsonPatch, mergePatch } from '../../../src/devcluster/patch.js';
import { parseLabelSelector } from '../../../src/devcluster/selectors.js';
import { strategicMergePatch } from '../../../src/devcluster/strategic.js';
import type { KubeObject } from '../../../src/devcluster/object.js';

describe('devcluster patches and selectors', () => {
  const merges: Array<[string, unknown, unknown, unknown]> = [
    ['merges nested objects', { a: { b: 1, c: 2 } }, { a: { b: 3 } }, { a: { b: 3, c: 2 } }],
    ['deletes a key set to null', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['replaces lists whole', { l: [1, 2] }, { l: [3] }, { l: [3] }],
  ];
  for (const [name, target, patch, want] of merges) {
    it(`merge patch ${name}`, () => expect(mergePatch(target, patch)).to.deep.equal(want));
  }

  const jsonPatches: Array<[string, unknown, unknown[], unknown]> = [
    [
      'adds to the end of a list',
      { l: [1] },
      [{ op: 'add', path: '/l/-', value: 2 }],
      { l: [1, 2] },
    ],
    ['removes a list element', { l: [1, 2] }, [{ op: 'remove', path: '/l/0' }], { l: [2] }],
    [
      'replaces an escaped key',
      { 'a/b': 1 },
      [{ op: 'replace', path: '/a~1b', value: 2 }],
      { 'a/b': 2 },
    ],
    ['moves a value', { a: 1 }, [{ op: 'move', from: '/a', path: '/b' }], { b: 1 }],
    ['copies a value', { a: 1 }, [{ op: 'copy', from: '/a', path: '/b' }], { a: 1, b: 1 }],
  ];
  for (const [name, target, patch, want] of jsonPatches) {
    it(`JSON patch ${name}`, () => expect(jsonPatch(target, patch)).to.deep.equal(want));
  }

  it('JSON patch refuses a failed test and a missing path', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).to.throw(
      /test operation failed/,
    );
    expect(() => jsonPatch({}, [{ op: 'remove', path: '/x' }])).to.throw(/missing path/);
  });

  const strategic: Array<[string, unknown, unknown, unknown]> = [
    [
      'merges containers by name',
      { spec: { containers: [{ name: 'a', image: '1' }] } },
      {
        spec: {
          containers: [{ name: 'b', image: '2' }],
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        },
      },
      {
        spec: {
          containers: [
            { name: 'a', image: '1' },
            { name: 'b', image: '2' },
          ],
        },
      },
    ],
    [
      'deletes a keyed element with $patch: delete',
      { spec: { volumes: [{ name: 'a' }, { name: 'b' }] } },
      { spec: { volumes: [{ name: 'a', $patch: 'delete' }] } },
      { spec: { volumes: [{ name: 'b' }] } },
    ],
    [
      'replaces a list with $patch: replace',
      { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
      { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }] } },
      { spec: { containers: [{ name: 'c' }] } },
    ],
    [
      'unions finalizers and removes with $deleteFromPrimitiveList',
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
      { metadata: { finalizers: ['b', 'c'] } },
    ],
    [
      'merges env by name inside a container',
      { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } },
      { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }] } },
      {
        spec: {
          containers: [
            {
              name: 'a',
              env: [
                { name: 'X', value: '1' },
                { name: 'Y', value: '2' },
              ],
            },
          ],
        },
      },
    ],
  ];
  for (const [name, target, patch, want] of strategic) {
    it(`strategic merge patch ${name}`, () =>
      expect(strategicMergePatch(target, patch)).to.deep.equal(want));
  }

  const labels: Array<[string, Record<string, string>, boolean]> = [
    ['a=b', { a: 'b' }, true],
    ['a==b', { a: 'c' }, false],
    ['a!=b', {}, true],
    ['a in (x, y)', { a: 'y' }, true],
    ['a notin (x,y)', { a: 'x' }, false],
    ['a', { a: '' }, true],
    ['!a', { a: '' }, false],
    ['a=b,!c', { a: 'b', c: '1' }, false],
  ];
  for (const [selector, l, want] of labels) {
    it(`label selector "${selector}" ${want ? 'matches' : 'does not match'} ${JSON.stringify(l)}`, () => {
      const obj: KubeObject = { metadata: { name: 'x', labels: l } };
      expect(parseLabelSelector(selector)!(obj)).to.equal(want);
    });
  }
});
