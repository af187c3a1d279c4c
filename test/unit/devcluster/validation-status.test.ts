import { expect } from 'chai';
import {
  invalidStatus,
  strictDecodingMessage,
  type FieldError,
} from '../../../src/devcluster/validation.js';

const unsupported: FieldError = {
  type: 'FieldValueNotSupported',
  field: 'spec.deletionPolicy',
  message: 'Unsupported value: "Keep": supported values: "Retain", "Delete"',
  badValue: 'Keep',
};
const missing: FieldError = {
  type: 'FieldValueRequired',
  field: 'spec.displayName',
  message: 'Required value',
  badValue: '',
};

describe('the 422 Status for invalid custom resources', () => {
  it('carry one error without brackets, with its cause', () => {
    const status = invalidStatus({
      kind: 'Organization',
      group: 'schema.streamspace.io',
      name: 'acme',
      errors: [unsupported],
    });
    expect(status).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Organization.schema.streamspace.io "acme" is invalid: spec.deletionPolicy: Unsupported value: "Keep": supported values: "Retain", "Delete"',
      reason: 'Invalid',
      details: {
        name: 'acme',
        group: 'schema.streamspace.io',
        kind: 'Organization',
        causes: [
          {
            reason: 'FieldValueNotSupported',
            message: 'Unsupported value: "Keep": supported values: "Retain", "Delete"',
            field: 'spec.deletionPolicy',
          },
        ],
      },
      code: 422,
    });
  });

  it('bracket several errors and keep every cause', () => {
    const status = invalidStatus({
      kind: 'Organization',
      group: 'schema.streamspace.io',
      name: 'acme',
      errors: [unsupported, missing],
    }) as { message: string; details: { causes: unknown[] } };
    expect(status.message).to.equal(
      'Organization.schema.streamspace.io "acme" is invalid: [spec.deletionPolicy: Unsupported value: "Keep": supported values: "Retain", "Delete", spec.displayName: Required value]',
    );
    expect(status.details.causes).to.have.length(2);
  });

  it('state a repeated error once in the message', () => {
    const status = invalidStatus({ kind: 'K', group: 'g', name: 'n', errors: [missing, missing] });
    expect((status as { message: string }).message).to.equal(
      'K.g "n" is invalid: spec.displayName: Required value',
    );
  });

  it('leave the group out of a core kind', () => {
    const status = invalidStatus({ kind: 'ConfigMap', group: '', name: 'c', errors: [missing] });
    expect(status).to.deep.include({
      message: 'ConfigMap "c" is invalid: spec.displayName: Required value',
    });
    expect((status as { details: object }).details).not.to.have.property('group');
  });

  it('list every unknown field in the strict decoding message', () => {
    expect(strictDecodingMessage(['spec.foo', 'spec.items[0].bar'])).to.equal(
      'strict decoding error: unknown field "spec.foo", unknown field "spec.items[0].bar"',
    );
  });
});
