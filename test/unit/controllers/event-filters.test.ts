import { expect } from 'chai';
import {
  annotationChanged,
  annotationsChanged,
  anyOf,
  deletionChanged,
  eitherSide,
  generationChanged,
  labelsChanged,
  valueChanged,
} from '../../../src/controllers/event-filters.js';
import type { KubeObject } from '../../../src/kube/index.js';

function obj(metadata: KubeObject['metadata']): KubeObject {
  return { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'a', ...metadata } };
}

describe('controllers/event-filters', () => {
  it('generationChanged is true only when metadata.generation moves', () => {
    expect(generationChanged(obj({ generation: 1 }), obj({ generation: 2 }))).to.equal(true);
    expect(
      generationChanged(
        obj({ generation: 1, resourceVersion: '1' }),
        obj({ generation: 1, resourceVersion: '2' }),
      ),
    ).to.equal(false);
  });

  it('deletionChanged is true when a deletionTimestamp appears', () => {
    expect(deletionChanged(obj({}), obj({ deletionTimestamp: '2026-01-01T00:00:00Z' }))).to.equal(
      true,
    );
    expect(deletionChanged(obj({}), obj({}))).to.equal(false);
  });

  it('annotationsChanged ignores key order and treats absent as empty', () => {
    const a = obj({ annotations: { x: '1', y: '2' } });
    const b = obj({ annotations: { y: '2', x: '1' } });
    expect(annotationsChanged(a, b)).to.equal(false);
    expect(annotationsChanged(obj({}), obj({ annotations: {} }))).to.equal(false);
    expect(annotationsChanged(a, obj({ annotations: { x: '1' } }))).to.equal(true);
  });

  it('labelsChanged is true when a label value changes', () => {
    expect(labelsChanged(obj({ labels: { a: '1' } }), obj({ labels: { a: '2' } }))).to.equal(true);
    expect(labelsChanged(obj({ labels: { a: '1' } }), obj({ labels: { a: '1' } }))).to.equal(false);
  });

  it('annotationChanged looks at the one annotation it names', () => {
    const retry = annotationChanged('retry');
    expect(
      retry(obj({ annotations: { other: '1' } }), obj({ annotations: { other: '2' } })),
    ).to.equal(false);
    expect(retry(obj({}), obj({ annotations: { retry: 'now' } }))).to.equal(true);
  });

  it('valueChanged compares what it reads deeply', () => {
    const p = valueChanged((o: { v: number[] }) => o.v);
    expect(p({ v: [1, 2] }, { v: [1, 2] })).to.equal(false);
    expect(p({ v: [1, 2] }, { v: [2, 1] })).to.equal(true);
  });

  it('anyOf is true when one predicate is, and false for none', () => {
    const p = anyOf(generationChanged, deletionChanged);
    expect(p(obj({ generation: 1 }), obj({ generation: 2 }))).to.equal(true);
    expect(p(obj({ generation: 1 }), obj({ generation: 1 }))).to.equal(false);
    expect(anyOf<KubeObject>()(obj({}), obj({}))).to.equal(false);
  });

  it('eitherSide is true when the test holds before or after', () => {
    const p = eitherSide((n: number) => n > 0);
    expect(p(1, 0)).to.equal(true);
    expect(p(0, 1)).to.equal(true);
    expect(p(0, 0)).to.equal(false);
  });
});
