/**
 * Protobuf request bodies of the kinds no client on this machine sends as
 * protobuf (Leases and Events come from Go controllers, Pods and
 * NetworkPolicies from typed clients): the bytes are written here field by
 * field from kubernetes/api's `generated.proto`, independently of the
 * server's tables, and the stored object is compared with its JSON form.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON inspected loosely by tests */
import { expect } from 'chai';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { useDevCluster } from '../../support/devcluster.js';

/** A field: number and value (string, varint, nested message bytes, or a list of them). */
type Value = string | number | boolean | Uint8Array;
type Fields = Array<[number, Value]>;

/** Encodes fields as proto2 does: varints for numbers and booleans, length-delimited otherwise. */
function msg(fields: Fields): Uint8Array {
  const w = new BinaryWriter();
  for (const [no, v] of fields) {
    if (typeof v === 'number') w.tag(no, 0).int64(v);
    else if (typeof v === 'boolean') w.tag(no, 0).bool(v);
    else if (typeof v === 'string') w.tag(no, 2).string(v);
    else w.tag(no, 2).bytes(v);
  }
  return w.finish();
}

/** A map entry (key 1, value 2). */
const entry = (key: string, value: Value): Uint8Array =>
  msg([
    [1, key],
    [2, value],
  ]);

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = msg([
    [
      1,
      msg([
        [1, apiVersion],
        [2, kind],
      ]),
    ],
    [2, raw],
  ]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

const meta = (name: string, extra: Fields = []): Uint8Array =>
  msg([[1, name], [3, ''], [8, new Uint8Array()], ...extra]);

describe('devcluster protobuf request bodies', () => {
  const f = useDevCluster();
  async function send(method: string, path: string, body: Buffer): Promise<[number, any]> {
    const res = await fetch(f.url + path, {
      method,
      headers: {
        'Content-Type': 'application/vnd.kubernetes.protobuf',
        Accept: 'application/vnd.kubernetes.protobuf, application/json',
      },
      body,
    });
    return [res.status, await res.json()];
  }

  it('decodes a Lease: MicroTimes, a zero behind a Go pointer kept', async () => {
    const spec = msg([
      [1, 'operator-7d9f'],
      [2, 15],
      [
        4,
        msg([
          [1, 1700000000],
          [2, 123456789],
        ]),
      ],
      [5, 0],
    ]);
    const [code, lease] = await send(
      'POST',
      '/apis/coordination.k8s.io/v1/namespaces/default/leases',
      envelope(
        'coordination.k8s.io/v1',
        'Lease',
        msg([
          [1, meta('leader')],
          [2, spec],
        ]),
      ),
    );
    expect(code, JSON.stringify(lease)).to.equal(201);
    expect(lease.spec).to.deep.equal({
      holderIdentity: 'operator-7d9f',
      leaseDurationSeconds: 15,
      renewTime: '2023-11-14T22:13:20.123456Z',
      leaseTransitions: 0,
    });
    expect(lease.metadata).to.include({ name: 'leader', namespace: 'default' });
    expect(lease.metadata).to.not.have.property('generation');
  });

  it('decodes an events.k8s.io Event with its regarding reference', async () => {
    const regarding = msg([
      [1, 'SchemaMigration'],
      [2, 'default'],
      [3, 'app'],
    ]);
    const event = msg([
      [1, meta('app.1')],
      [
        2,
        msg([
          [1, 1700000000],
          [2, 5000],
        ]),
      ],
      [4, 'schema-operator'],
      [5, 'schema-operator-0'],
      [6, 'Migrate'],
      [7, 'Applied'],
      [8, regarding],
      [10, 'applied 3 migrations'],
      [11, 'Normal'],
    ]);
    const [code, ev] = await send(
      'POST',
      '/apis/events.k8s.io/v1/namespaces/default/events',
      envelope('events.k8s.io/v1', 'Event', event),
    );
    expect(code, JSON.stringify(ev)).to.equal(201);
    expect(ev).to.deep.include({
      eventTime: '2023-11-14T22:13:20.000005Z',
      reportingController: 'schema-operator',
      reportingInstance: 'schema-operator-0',
      action: 'Migrate',
      reason: 'Applied',
      note: 'applied 3 migrations',
      type: 'Normal',
      regarding: { kind: 'SchemaMigration', namespace: 'default', name: 'app' },
    });
  });

  it('decodes a NetworkPolicy: label selector map, int-or-string ports', async () => {
    const spec = msg([
      [1, msg([[1, entry('app', 'api')]])],
      [
        2,
        msg([
          [
            1,
            msg([
              [1, 'TCP'],
              [
                2,
                msg([
                  [1, 1],
                  [3, 'http'],
                ]),
              ],
            ]),
          ],
          [1, msg([[2, msg([[2, 5432]])]])],
        ]),
      ],
      [4, 'Ingress'],
    ]);
    const [code, np] = await send(
      'POST',
      '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies',
      envelope(
        'networking.k8s.io/v1',
        'NetworkPolicy',
        msg([
          [1, meta('api')],
          [2, spec],
        ]),
      ),
    );
    expect(code, JSON.stringify(np)).to.equal(201);
    expect(np.spec).to.deep.equal({
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'http' }, { port: 5432 }] }],
      policyTypes: ['Ingress'],
    });
    expect(np.metadata.generation).to.equal(1);
  });

  it('decodes a LimitRange: maps of quantities', async () => {
    const item = msg([
      [1, 'Container'],
      [2, entry('cpu', msg([[1, '2']]))],
      [4, entry('memory', msg([[1, '256Mi']]))],
    ]);
    const [code, lr] = await send(
      'POST',
      '/api/v1/namespaces/default/limitranges',
      envelope(
        'v1',
        'LimitRange',
        msg([
          [1, meta('limits')],
          [2, msg([[1, item]])],
        ]),
      ),
    );
    expect(code, JSON.stringify(lr)).to.equal(201);
    expect(lr.spec).to.deep.equal({
      limits: [{ type: 'Container', max: { cpu: '2' }, default: { memory: '256Mi' } }],
    });
  });

  it('decodes a Pod: inlined volume source and probe handler, empty messages kept', async () => {
    const probe = msg([
      [
        1,
        msg([
          [
            2,
            msg([
              [1, '/healthz'],
              [2, msg([[2, 8080]])],
            ]),
          ],
        ]),
      ],
      [4, 5],
    ]);
    const container = msg([
      [1, 'api'],
      [2, 'api:1'],
      [8, new Uint8Array()],
      [11, probe],
    ]);
    const volume = msg([
      [1, 'cache'],
      [2, msg([[2, new Uint8Array()]])],
    ]);
    const spec = msg([
      [1, volume],
      [2, container],
      [7, entry('disk', 'ssd')],
      [21, false],
    ]);
    const [code, pod] = await send(
      'POST',
      '/api/v1/namespaces/default/pods',
      envelope(
        'v1',
        'Pod',
        msg([
          [1, meta('api')],
          [2, spec],
        ]),
      ),
    );
    expect(code, JSON.stringify(pod)).to.equal(201);
    expect(pod.spec.volumes).to.deep.equal([{ name: 'cache', emptyDir: {} }]);
    expect(pod.spec.containers).to.deep.equal([
      {
        name: 'api',
        image: 'api:1',
        resources: {},
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
      },
    ]);
    expect(pod.spec).to.include({ automountServiceAccountToken: false });
    expect(pod.spec.nodeSelector).to.deep.equal({ disk: 'ssd' });
  });

  it('updates with a protobuf PUT and skips field numbers it does not know', async () => {
    const cm = (data: string, extra: Fields = []) =>
      envelope('v1', 'ConfigMap', msg([[1, meta('settings')], [2, entry('mode', data)], ...extra]));
    const [created] = await send('POST', '/api/v1/namespaces/default/configmaps', cm('a'));
    expect(created).to.equal(201);
    const [code, updated] = await send(
      'PUT',
      '/api/v1/namespaces/default/configmaps/settings',
      cm('b', [[99, 'from a newer API']]),
    );
    expect(code, JSON.stringify(updated)).to.equal(200);
    expect(updated.data).to.deep.equal({ mode: 'b' });
    expect(updated.metadata).to.not.have.property('generation');
  });

  it('reads the preconditions of a protobuf DeleteOptions', async () => {
    const cm = envelope('v1', 'ConfigMap', msg([[1, meta('doomed')]]));
    const [, created] = await send('POST', '/api/v1/namespaces/default/configmaps', cm);
    // DeleteOptions: preconditions 2 (uid 1), in the group version of the resource.
    const options = (uid: string) => envelope('v1', 'DeleteOptions', msg([[2, msg([[1, uid]])]]));
    const [stale, why] = await send(
      'DELETE',
      '/api/v1/namespaces/default/configmaps/doomed',
      options('not-the-uid'),
    );
    expect(stale, JSON.stringify(why)).to.equal(409);
    expect(why.message).to.contain('UID in precondition: not-the-uid');
    const [gone] = await send(
      'DELETE',
      '/api/v1/namespaces/default/configmaps/doomed',
      options(created.metadata.uid),
    );
    expect(gone).to.equal(200);
  });

  it('answers 400 for a body that is not protobuf and 415 for a kind it has no tables for', async () => {
    const [bad, status] = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      Buffer.from('{"metadata":{"name":"x"}}'),
    );
    expect(bad).to.equal(400);
    expect(status).to.include({ kind: 'Status', reason: 'BadRequest' });
    const [truncated] = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      envelope('v1', 'ConfigMap', msg([[1, meta('cut')]])).subarray(0, 12),
    );
    expect(truncated).to.equal(400);
    const [unsupported, why] = await send(
      'POST',
      '/api/v1/namespaces/default/configmaps',
      envelope('example.com/v1', 'Widget', new Uint8Array()),
    );
    expect(unsupported).to.equal(415);
    expect(why.reason).to.equal('UnsupportedMediaType');
    // A custom resource takes no protobuf, even an envelope naming a kind the tables hold.
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'things', singular: 'thing', kind: 'Thing' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        ],
      },
    };
    const made = await fetch(`${f.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(crd),
    });
    expect(made.status).to.equal(201);
    const [custom] = await send(
      'POST',
      '/apis/example.com/v1/namespaces/default/things',
      envelope('v1', 'ConfigMap', msg([[1, meta('thing')]])),
    );
    expect(custom).to.equal(415);
  });
});
