import { expect } from 'chai';
import type { ManagedFieldsEntry } from '../../../src/api/meta.js';
import { applyConfig } from '../../../src/devcluster/apply/apply.js';
import { fromFieldsV1, toFieldsV1 } from '../../../src/devcluster/apply/fieldpath.js';
import { fieldSetOf } from '../../../src/devcluster/apply/fieldset.js';
import { afterUpdate, writerOf } from '../../../src/devcluster/apply/managers.js';
import { writeOptions } from '../../../src/devcluster/apply/options.js';
import { crdShape } from '../../../src/devcluster/apply/schema.js';
import { ApiError } from '../../../src/devcluster/errors.js';
import type { KubeObject } from '../../../src/devcluster/object.js';
import { BUILTIN_TYPES, type ResourceType } from '../../../src/devcluster/resources.js';

const configMaps = BUILTIN_TYPES.find((t) => t.resource === 'configmaps')!;
const now = new Date('2026-01-02T03:04:05Z');
const cm = (data: Record<string, unknown>, extra: Partial<KubeObject['metadata']> = {}) =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'default', ...extra },
    data,
  }) as KubeObject;
const apply = (
  live: KubeObject | undefined,
  config: KubeObject,
  manager: string,
  force = false,
  type: ResourceType = configMaps,
) =>
  applyConfig({
    type,
    live,
    config,
    writer: writerOf(type, manager, 'Apply', undefined),
    force,
    now,
  });

describe('devcluster server-side apply internals', () => {
  it('reads and writes fieldsV1, with `.` on members that have members below', () => {
    const tree = {
      'f:data': { '.': {}, 'f:a': {} },
      'f:spec': { 'f:ports': { 'k:{"name":"x"}': { '.': {}, 'f:port': {} } } },
    };
    expect(toFieldsV1(fromFieldsV1(tree))).to.deep.equal(tree);
  });

  it('owns entries of untyped maps as themselves, declared structures not', () => {
    const shape = crdShape({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { size: { type: 'integer' } } },
        status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    const set = fieldSetOf({ spec: { size: 1 }, status: { sub: { ok: true } } }, shape);
    expect(toFieldsV1(set)).to.deep.equal({
      'f:spec': { 'f:size': {} },
      'f:status': { 'f:sub': { '.': {}, 'f:ok': {} } },
    });
  });

  it('credits an untracked object to before-first-apply, so an apply changing it conflicts', () => {
    const live = cm({ a: '1' }, { uid: 'u', resourceVersion: '5' });
    expect(() => apply(live, cm({ a: '2' }), 'mine'))
      .to.throw(ApiError)
      .with.property(
        'message',
        'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a',
      );
  });

  it('lists conflicts by manager and takes them with force', () => {
    const first = apply(undefined, cm({ a: '1', b: '1' }), 'one');
    const live = {
      ...first.object,
      metadata: { ...first.object.metadata, managedFields: first.managedFields },
    };
    const second = apply(live, cm({ c: '1' }), 'two');
    const both = {
      ...second.object,
      metadata: { ...second.object.metadata, managedFields: second.managedFields },
    };
    let err: ApiError | undefined;
    try {
      apply(both, cm({ a: '2', b: '2', c: '2' }), 'three');
    } catch (e) {
      err = e as ApiError;
    }
    expect(err?.code).to.equal(409);
    expect(err?.message).to.equal(
      'Apply failed with 3 conflicts: conflicts with "one":\n- .data.a\n- .data.b\nconflicts with "two":\n- .data.c',
    );
    const forced = apply(both, cm({ a: '2', c: '2' }), 'three', true);
    expect(forced.managedFields.map((m) => [m.manager, m.fieldsV1])).to.deep.equal([
      ['one', { 'f:data': { 'f:b': {} } }],
      ['three', { 'f:data': { 'f:a': {}, 'f:c': {} } }],
    ]);
  });

  it('stores a null field of an applied configuration as absent', () => {
    const first = apply(undefined, cm({ a: '1', b: null }), 'one');
    expect(first.object.data).to.deep.equal({ a: '1' });
  });

  it('takes changed fields from other managers on update and clears entries on [{}]', () => {
    const created = apply(undefined, cm({ a: '1', b: '1' }), 'one');
    const old = {
      ...created.object,
      metadata: { ...created.object.metadata, managedFields: created.managedFields },
    };
    const writer = writerOf(configMaps, 'editor', 'Update', undefined);
    const next = { ...old, data: { a: '2', b: '1' } };
    const entries = afterUpdate({ type: configMaps, old, next, writer, now });
    expect(entries.map((m) => [m.manager, m.operation, m.fieldsV1])).to.deep.equal([
      ['one', 'Apply', { 'f:data': { 'f:b': {} } }],
      ['editor', 'Update', { 'f:data': { 'f:a': {} } }],
    ]);
    // A client may send any JSON there; an entry that is not one resets the record.
    const junk = {} as ManagedFieldsEntry;
    const reset = { ...next, metadata: { ...next.metadata, managedFields: [junk] } };
    expect(afterUpdate({ type: configMaps, old, next: reset, writer, now })).to.deep.equal([]);
  });

  it("keeps kubectl's last-applied annotation in step on applies by the manager kubectl", () => {
    const key = 'kubectl.kubernetes.io/last-applied-configuration';
    const live = cm({ a: '1' }, { annotations: { [key]: '{"old":true}' } });
    const config = cm({ b: '2' });
    const result = apply(live, config, 'kubectl', true);
    expect(JSON.parse(result.object.metadata.annotations![key]!)).to.deep.equal(config);
    const other = apply(live, config, 'helm', true);
    expect(other.object.metadata.annotations![key]).to.equal('{"old":true}');
  });

  it('refuses an apply without fieldManager as kube-apiserver validates PatchOptions', () => {
    const q = new URLSearchParams();
    const req = { headers: { 'user-agent': 'kubectl/v1.33.9 (linux/amd64)' } } as never;
    expect(writeOptions('update', false, q, req)).to.deep.equal({
      fieldManager: 'kubectl',
      force: false,
    });
    let err: ApiError | undefined;
    try {
      writeOptions('patch', true, q, req);
    } catch (e) {
      err = e as ApiError;
    }
    expect(err?.code).to.equal(422);
    expect(err?.message).to.equal(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  });

  it('folds the oldest Update entries past ten into ancient-changes', () => {
    let obj = cm({});
    for (let i = 0; i < 12; i++) {
      const next = { ...obj, data: { ...(obj.data as object), [`k${i}`]: 'v' } };
      const writer = writerOf(configMaps, `m${i}`, 'Update', undefined);
      const at = new Date(now.getTime() + i * 1000);
      const managedFields = afterUpdate({ type: configMaps, old: obj, next, writer, now: at });
      obj = { ...next, metadata: { ...next.metadata, managedFields } };
    }
    const entries = obj.metadata.managedFields as Array<{ manager: string; fieldsV1: object }>;
    expect(entries.map((e) => e.manager)).to.deep.equal([
      'ancient-changes',
      ...Array.from({ length: 9 }, (_, i) => `m${i + 3}`),
    ]);
    expect(entries[0]!.fieldsV1).to.deep.equal({
      'f:data': { 'f:k0': {}, 'f:k1': {}, 'f:k2': {} },
    });
  });
});
