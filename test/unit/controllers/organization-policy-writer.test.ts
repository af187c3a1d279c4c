import { expect } from 'chai';
import {
  policyWriter,
  type PolicyClients,
} from '../../../src/controllers/organization/policy-writer.js';
import { ORG_LABEL } from '../../../src/controllers/organization/policy-objects.js';
import { ConflictError, NotFoundError, type KubeObject } from '../../../src/kube/index.js';
import type { OperatorMetrics } from '../../../src/observability/index.js';

const MANAGED = { 'app.kubernetes.io/managed-by': 'schema-operator' };

function quota(labels: Record<string, string> = { ...MANAGED, [ORG_LABEL]: 'acme' }): KubeObject {
  return { kind: 'ResourceQuota', metadata: { name: 'organization', namespace: 'acme', labels } };
}

/** A client whose calls are recorded; `fail` makes the named call throw. */
function fakeClients(o: { fail?: Record<string, Error>; stored?: KubeObject } = {}) {
  const calls: string[] = [];
  const call =
    (name: string) =>
    async (..._args: unknown[]) => {
      calls.push(name);
      if (o.fail?.[name]) throw o.fail[name];
      return name === 'find' ? o.stored : ({} as KubeObject);
    };
  const client = {
    create: call('create'),
    replace: call('replace'),
    delete: call('delete'),
    find: call('find'),
  };
  const clients = {
    ResourceQuota: client,
    LimitRange: client,
    NetworkPolicy: client,
    RoleBinding: client,
  } as unknown as PolicyClients;
  return { clients, calls };
}

function fakeMetrics() {
  const counted: string[] = [];
  const counter = (name: string) => ({
    inc: (labels: Record<string, string>) => void counted.push(`${name} ${Object.values(labels)}`),
  });
  const metrics = {
    organizationPolicyWrites: counter('writes'),
    organizationPolicyRepairs: counter('repairs'),
  } as unknown as OperatorMetrics;
  return { metrics, counted };
}

const api = (reason: 'AlreadyExists' | 'Conflict') =>
  new ConflictError(reason, reason, { status: 409 });

describe('organization/policy-writer', () => {
  it('counts each write by kind and operation, and repairs apart', async () => {
    const { clients } = fakeClients();
    const { metrics, counted } = fakeMetrics();
    const w = policyWriter({ clients, metrics });
    await w.write({ op: 'create', object: quota() }, { repair: true });
    await w.write({ op: 'update', object: quota() }, { repair: false });
    await w.write({ op: 'delete', object: quota() }, { repair: true });
    expect(counted).to.deep.equal([
      'writes ResourceQuota,create',
      'repairs ResourceQuota',
      'writes ResourceQuota,update',
      'writes ResourceQuota,delete',
    ]);
  });

  it('takes a name held by an object without our labels for a conflict, and writes nothing over it', async () => {
    const { clients, calls } = fakeClients({
      fail: { create: api('AlreadyExists') },
      stored: quota({}),
    });
    const conflict = await policyWriter({ clients }).write(
      { op: 'create', object: quota() },
      { repair: false },
    );
    expect(conflict).to.match(/ResourceQuota\/organization exists and does not carry the labels/);
    expect(calls).to.deep.equal(['create', 'find']);
  });

  it('takes a name held by its own object (not yet in the cache) for no conflict', async () => {
    const { clients } = fakeClients({ fail: { create: api('AlreadyExists') }, stored: quota() });
    const conflict = await policyWriter({ clients }).write(
      { op: 'create', object: quota() },
      { repair: false },
    );
    expect(conflict).to.equal(undefined);
  });

  it('treats a delete of an object already gone as done', async () => {
    const { clients } = fakeClients({
      fail: { delete: new NotFoundError('NotFound', 'gone', { status: 404 }) },
    });
    const w = policyWriter({ clients });
    expect(await w.write({ op: 'delete', object: quota() }, { repair: false })).to.equal(undefined);
  });

  it('throws a lost update race, so the retry decides again', async () => {
    const { clients } = fakeClients({ fail: { replace: api('Conflict') } });
    const w = policyWriter({ clients });
    let error: unknown;
    await w
      .write({ op: 'update', object: quota() }, { repair: false })
      .catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ConflictError);
  });
});
