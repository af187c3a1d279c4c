/**
 * A world of fakes for the Organization reconciler: caches as maps, API
 * writes and Events recorded, and an in-memory organizations table with
 * the rules of the real one (unique name, rows referencing an org).
 */
import type { Organization, OrganizationSpec, SchemaMigration } from '../../src/api/index.js';
import { ORG_FINALIZER } from '../../src/controllers/organization/deps.js';
import { organizationReconciler } from '../../src/controllers/organization/reconciler.js';
import type {
  DeleteResult,
  OrgDatabase,
  OrgRow,
  UpsertResult,
} from '../../src/controllers/organization/sql.js';
import type { KubeObject, ReconcileContext, Result } from '../../src/kube/index.js';
import { silentLogger } from '../../src/observability/index.js';

const ctx: ReconcileContext = { log: silentLogger, signal: new AbortController().signal };

/** An Organization named `name`. */
export function org(
  name: string,
  spec: Partial<OrganizationSpec> = {},
  meta: Partial<Organization['metadata']> = {},
): Organization {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name, uid: `uid-${name}`, generation: 1, resourceVersion: '1', ...meta },
    spec: { displayName: `Org ${name}`, databaseRef: { namespace: 'db', name: 'api' }, ...spec },
  };
}

/** A SchemaMigration db/api, Ready or not. */
export function smig(ready: boolean): SchemaMigration {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'SchemaMigration',
    metadata: { name: 'api', namespace: 'db', generation: 2 },
    spec: {
      database: { urlSecretRef: { name: 'dbsecret', key: 'url' } },
      source: { bundled: 'streamspace' },
      allowOrganizations: true,
    },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          reason: ready ? 'Applied' : 'Progressing',
          message: '',
          observedGeneration: 2,
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  };
}

/** The in-memory organizations table, with the operator's record of whose rows it made. */
export class FakeTable implements OrgDatabase {
  rows = new Map<string, Omit<OrgRow, 'status'> & { status: string; writes: number }>();
  /** id → the UID the operator wrote the row for, and whether it created it. */
  recorded = new Map<string, { uid: string; created: boolean }>();
  /** org id → referencing rows by table. */
  refs = new Map<string, Array<{ table: string; rows: number }>>();
  fail: Error | undefined;
  /** Upserts sent, written or not. */
  upserts = 0;

  async upsert(row: OrgRow): Promise<UpsertResult> {
    this.upserts++;
    if (this.fail) throw this.fail;
    const old = this.rows.get(row.id);
    const rec = this.recorded.get(row.id);
    const mine =
      !old ||
      rec?.uid === row.uid ||
      (rec !== undefined && old.status === 'deleted') ||
      (rec === undefined && row.adoptUnrecorded);
    if (row.id === 'default-org' || !mine) return { outcome: 'row-conflict' };
    if (!old)
      for (const r of this.rows.values())
        if (r.name === row.name) return { outcome: 'name-conflict', ownerId: r.id };
    if (rec?.uid !== row.uid) this.recorded.set(row.id, { uid: row.uid, created: !old });
    const same =
      old &&
      old.displayName === row.displayName &&
      old.description === row.description &&
      old.namespace === row.namespace &&
      old.status === row.status;
    if (same) return { outcome: 'unchanged' };
    this.rows.set(row.id, { ...row, name: old?.name ?? row.name, writes: (old?.writes ?? 0) + 1 });
    return { outcome: 'written' };
  }
  async markDeleted(id: string, uid: string) {
    const r = this.rows.get(id);
    if (!r || this.recorded.get(id)?.uid !== uid) return false;
    r.status = 'deleted';
    return true;
  }
  async references(id: string) {
    return this.refs.get(id) ?? [];
  }
  async deleteRow(id: string, uid: string): Promise<DeleteResult> {
    const rec = this.recorded.get(id);
    if (rec?.uid !== uid || !rec.created) return { outcome: 'not-created' };
    const refs = this.refs.get(id) ?? [];
    if (refs.length > 0) return { outcome: 'blocked', references: refs };
    this.rows.delete(id);
    this.recorded.delete(id);
    return { outcome: 'deleted' };
  }
  async end() {}
}

/** Reconciler plus fakes; `writes` lists every API write as `verb kind/name`. */
export function world(opts: { defaultRef?: boolean; operatorNamespace?: string } = {}) {
  const orgs = new Map<string, Organization>();
  const smigs = new Map<string, SchemaMigration>();
  const namespaces = new Map<string, KubeObject>();
  const secrets = new Map<string, string>([['db/dbsecret/url', 'postgres://u:p@h/db']]);
  const table = new FakeTable();
  const writes: string[] = [];
  const events: string[] = [];
  const held = new Set<string>();
  let rv = 100;

  const reconcile = organizationReconciler({
    getOrganization: (n) => orgs.get(n),
    getSchemaMigration: (k) => smigs.get(k),
    getNamespace: (n) => namespaces.get(n),
    namespaces: {
      async create(obj) {
        writes.push(`create namespace/${obj.metadata!.name}`);
        const stored = structuredClone(obj);
        stored.metadata!.resourceVersion = String(++rv);
        namespaces.set(obj.metadata!.name!, stored);
        return stored;
      },
      async patch(name, patch) {
        writes.push(`patch namespace/${name}`);
        const ns = namespaces.get(name)!;
        const m = (patch as { metadata: Record<string, Record<string, string | null>> }).metadata;
        for (const field of ['labels', 'annotations'] as const) {
          const target = ((ns.metadata![field] as Record<string, string>) ??= {});
          for (const [k, v] of Object.entries(m[field] ?? {}))
            if (v === null) delete target[k];
            else target[k] = v;
        }
        ns.metadata!.resourceVersion = String(++rv);
        return ns;
      },
      async delete(name) {
        writes.push(`delete namespace/${name}`);
        namespaces.delete(name);
      },
    },
    async addFinalizer(o) {
      if (o.metadata.finalizers?.includes(ORG_FINALIZER)) return o;
      writes.push(`finalizer+ organization/${o.metadata.name}`);
      o.metadata.finalizers = [...(o.metadata.finalizers ?? []), ORG_FINALIZER];
      return o;
    },
    async removeFinalizer(o) {
      writes.push(`finalizer- organization/${o.metadata.name}`);
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== ORG_FINALIZER);
      if (o.metadata.deletionTimestamp) orgs.delete(o.metadata.name!);
    },
    readSecretKey: async (ns, name, key) => secrets.get(`${ns}/${name}/${key}`),
    database: (holder) => {
      held.add(holder);
      return table;
    },
    releaseDatabase: async (holder) => void held.delete(holder),
    async writeStatus(o, status) {
      if (JSON.stringify(o.status ?? {}) === JSON.stringify(status)) return;
      writes.push(`status organization/${o.metadata.name}`);
      o.status = structuredClone(status);
    },
    events: {
      record: async (o, type, reason) => void events.push(`${type} ${reason} ${o.metadata?.name}`),
    },
    defaultDatabaseRef: opts.defaultRef ? { namespace: 'db', name: 'api' } : undefined,
    operatorNamespace: opts.operatorNamespace,
    now: () => new Date('2026-11-26T00:00:00Z'),
  });

  return {
    orgs,
    smigs,
    namespaces,
    secrets,
    table,
    writes,
    events,
    held,
    add(o: Organization) {
      orgs.set(o.metadata.name!, o);
      return o;
    },
    run(name: string): Promise<Result> {
      return reconcile(ctx, name);
    },
    condition(name: string, type: string) {
      return orgs.get(name)?.status?.conditions?.find((c) => c.type === type);
    },
  };
}
