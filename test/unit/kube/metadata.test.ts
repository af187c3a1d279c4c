import { expect } from 'chai';
import {
  identityOnly,
  LAST_APPLIED_ANNOTATION,
  metadataWithoutBookkeeping,
  withoutBookkeeping,
} from '../../../src/kube/metadata.js';
import type { KubeObject } from '../../../src/kube/resource-client.js';

type Org = KubeObject & { spec: { displayName: string }; status?: { phase?: string } };

/** An object as the API serves it after kubectl apply and a few controller writes. */
function served(): Org {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: {
      name: 'acme',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      labels: { team: 'a' },
      annotations: {
        [LAST_APPLIED_ANNOTATION]: '{"spec":{"displayName":"Acme"}}',
        'schema.streamspace.io/retry': '1',
      },
      finalizers: ['schema.streamspace.io/organization'],
      deletionTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          apiVersion: 'schema.streamspace.io/v1alpha1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': {} },
        },
      ],
    },
    spec: { displayName: 'Acme' },
    status: { phase: 'Active' },
  };
}

describe('informer transforms (kube/metadata)', () => {
  it('withoutBookkeeping drops managedFields and last-applied, keeps everything a controller reads', () => {
    const o = served();
    const lean = withoutBookkeeping(o);
    const expected = served();
    delete expected.metadata.managedFields;
    delete expected.metadata.annotations![LAST_APPLIED_ANNOTATION];
    expect(lean).to.deep.equal(expected);
    expect(o, 'the object handed in is not changed').to.deep.equal(served());
  });

  it('withoutBookkeeping returns the object itself when there is nothing to drop', () => {
    const o: KubeObject = { metadata: { name: 'x', annotations: { a: 'b' } } };
    expect(withoutBookkeeping(o)).to.equal(o);
  });

  it('withoutBookkeeping leaves an empty annotations map when last-applied was the only one', () => {
    const o: KubeObject = {
      metadata: { name: 'x', annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } },
    };
    expect(withoutBookkeeping(o).metadata).to.deep.equal({ name: 'x', annotations: {} });
  });

  it('metadataWithoutBookkeeping keeps the metadata a namespace owner check reads, and nothing else', () => {
    const ns = { ...served(), kind: 'PartialObjectMetadata' };
    const lean = metadataWithoutBookkeeping(ns);
    expect(lean).to.deep.equal({
      apiVersion: ns.apiVersion,
      kind: 'PartialObjectMetadata',
      metadata: {
        name: 'acme',
        uid: 'u-1',
        resourceVersion: '42',
        generation: 3,
        labels: { team: 'a' },
        annotations: { 'schema.streamspace.io/retry': '1' },
        finalizers: ['schema.streamspace.io/organization'],
        deletionTimestamp: '2026-01-01T00:00:00Z',
      },
    });
  });

  it('identityOnly is unchanged: name, namespace, uid, resourceVersion and deletion', () => {
    expect(identityOnly(served()).metadata).to.deep.equal({
      name: 'acme',
      namespace: undefined,
      uid: 'u-1',
      resourceVersion: '42',
      deletionTimestamp: '2026-01-01T00:00:00Z',
    });
  });
});
