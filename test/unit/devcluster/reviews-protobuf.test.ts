import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { expect } from 'chai';
import { decodeReview } from '../../../src/devcluster/reviews/protobuf.js';

/** A message of length-delimited fields, as Go's generated marshalling writes them. */
function message(fields: Array<[number, string | Uint8Array]>): Uint8Array {
  const w = new BinaryWriter();
  for (const [no, v] of fields) {
    w.tag(no, 2);
    if (typeof v === 'string') w.string(v);
    else w.bytes(v);
  }
  return w.finish();
}

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = message([
    [
      1,
      message([
        [1, apiVersion],
        [2, kind],
      ]),
    ],
    [2, raw],
    [3, ''],
    [4, ''],
  ]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

describe('devcluster review bodies in protobuf', () => {
  it('decodes a SelfSubjectAccessReview by field number, dropping the empty strings Go writes', () => {
    const attributes = message([
      [1, 'default'],
      [2, 'create'],
      [3, ''],
      [4, ''],
      [5, 'pods'],
      [6, ''],
      [7, ''],
    ]);
    const raw = message([
      [1, message([])],
      [2, message([[1, attributes]])],
      [3, message([])],
    ]);
    const review = decodeReview(
      envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', raw),
      'SelfSubjectAccessReview',
    );
    expect(review).to.deep.equal({
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    });
  });

  it('decodes the namespace of a SelfSubjectRulesReview', () => {
    const raw = message([
      [1, message([])],
      [2, message([[1, 'team-a']])],
    ]);
    const review = decodeReview(
      envelope('authorization.k8s.io/v1', 'SelfSubjectRulesReview', raw),
      'SelfSubjectRulesReview',
    );
    expect(review.spec).to.deep.equal({ namespace: 'team-a' });
  });

  it('refuses a body without the k8s envelope with 400', () => {
    expect(() => decodeReview(Buffer.from('{}'), 'SelfSubjectReview'))
      .to.throw()
      .with.property('code', 400);
  });
});
