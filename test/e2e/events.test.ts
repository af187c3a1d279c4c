/* eslint-disable @typescript-eslint/no-explicit-any -- API replies are JSON inspected loosely by tests */
import { expect } from 'chai';
import { API_VERSION } from '../../src/api/index.js';
import {
  connect,
  eventResource,
  KubeEventRecorder,
  type EventSubject,
} from '../../src/kube/index.js';
import { useDevCluster } from '../support/devcluster.js';
import { kubectl } from '../support/kubectl.js';
import { http, installCrds } from '../support/spawned.js';

const NS = 'events-e2e';
const SMIG = 'api';

describe('Events through both APIs, as kubectl reads them', function () {
  this.timeout(60_000);
  const f = useDevCluster();
  let smig: EventSubject;
  const k = (args: string[]) => kubectl(args, { kubeconfigPath: f.kubeconfigPath });
  const core = (path = '') => `${f.url}/api/v1/namespaces/${NS}/events${path}`;
  const v1 = (path = '') => `${f.url}/apis/events.k8s.io/v1/namespaces/${NS}/events${path}`;

  before(async () => {
    await installCrds(f.url);
    await http(`${f.url}/api/v1/namespaces`, {
      method: 'POST',
      body: JSON.stringify({ metadata: { name: NS } }),
    });
    const created = await http(
      `${f.url}/apis/schema.streamspace.io/v1alpha1/namespaces/${NS}/schemamigrations`,
      {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: API_VERSION,
          kind: 'SchemaMigration',
          metadata: { name: SMIG },
          spec: { database: { urlSecretRef: { name: 'db' } }, source: { bundled: 'streamspace' } },
        }),
      },
    );
    expect(created.status, created.text).to.equal(201);
    smig = created.body as EventSubject;
    // The operator's own recorder, posting events.k8s.io/v1.
    const recorder = new KubeEventRecorder({
      client: connect({ kubeconfigPath: f.kubeconfigPath }).resource(eventResource),
      instance: 'operator-0',
    });
    await recorder.record(smig, 'Normal', 'Applied', 'applied 006_add_organizations.sql in 12 ms');
    await recorder.record(smig, 'Warning', 'Failed', 'column "org_id" does not exist');
    await recorder.record(smig, 'Warning', 'Failed', 'column "org_id" does not exist');
  });

  it('lists what the recorder posted through core v1 with the core field names', async () => {
    const r = await http(core());
    expect(r.status).to.equal(200);
    expect(r.body.apiVersion).to.equal('v1');
    const applied = r.body.items.find((e: any) => e.reason === 'Applied');
    expect(applied).to.deep.include({
      apiVersion: 'v1',
      kind: 'Event',
      type: 'Normal',
      action: 'Applied',
      message: 'applied 006_add_organizations.sql in 12 ms',
      reportingComponent: 'schema-operator',
      reportingInstance: 'operator-0',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
    });
    expect(applied.involvedObject).to.deep.include({
      kind: 'SchemaMigration',
      name: SMIG,
      namespace: NS,
      uid: smig.metadata?.uid,
    });
    expect(applied.eventTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    for (const k of ['regarding', 'note', 'reportingController'])
      expect(applied).to.not.have.key(k);
    const failed = r.body.items.find((e: any) => e.reason === 'Failed');
    expect(failed.series.count).to.equal(2);
  });

  it('serves the same object through events.k8s.io/v1, by name and resourceVersion', async () => {
    const list = (await http(core())).body.items as any[];
    for (const c of list) {
      const e = (await http(v1(`/${c.metadata.name}`))).body;
      expect(e.apiVersion).to.equal('events.k8s.io/v1');
      expect(e.metadata).to.deep.equal(c.metadata);
      expect(e.regarding).to.deep.equal(c.involvedObject);
      expect(e.note).to.equal(c.message);
      expect(e.reportingController).to.equal(c.reportingComponent);
      expect(e.eventTime).to.equal(c.eventTime);
      expect(e.series).to.deep.equal(c.series);
      expect(e).to.not.have.any.keys('involvedObject', 'message', 'reportingComponent', 'source');
    }
  });

  it('maps the deprecated fields of a core Event written by an old client', async () => {
    const posted = await http(core(), {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'legacy.1' },
        involvedObject: { apiVersion: API_VERSION, kind: 'SchemaMigration', name: SMIG },
        reason: 'Legacy',
        message: 'from an old client',
        type: 'Normal',
        source: { component: 'old-controller', host: 'node-1' },
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: '2026-01-01T00:05:00Z',
        count: 3,
      }),
    });
    expect(posted.status, posted.text).to.equal(201);
    const e = (await http(v1('/legacy.1'))).body;
    expect(e).to.deep.include({
      note: 'from an old client',
      deprecatedSource: { component: 'old-controller', host: 'node-1' },
      deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2026-01-01T00:05:00Z',
      deprecatedCount: 3,
      eventTime: null,
    });
    expect(e).to.not.have.any.keys('count', 'source', 'firstTimestamp', 'reportingInstance');
    // A merge patch through the new API lands in the same stored object.
    const patched = await http(v1('/legacy.1'), {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: JSON.stringify({ note: 'edited' }),
    });
    expect(patched.status, patched.text).to.equal(200);
    const back = (await http(core('/legacy.1'))).body;
    expect(back).to.deep.include({ message: 'edited', count: 3 });
    expect(back.source).to.deep.equal({ component: 'old-controller', host: 'node-1' });
    await http(v1('/legacy.1'), { method: 'DELETE' });
    expect((await http(core('/legacy.1'))).status).to.equal(404);
  });

  it('selects by involvedObject.* on core and regarding.* on events.k8s.io alike', async () => {
    const a = await http(core(`?fieldSelector=involvedObject.name%3D${SMIG},reason%3DApplied`));
    const b = await http(v1(`?fieldSelector=regarding.name%3D${SMIG},reason%3DApplied`));
    expect(a.body.items.map((e: any) => e.metadata.name)).to.have.length(1);
    expect(b.body.items.map((e: any) => e.metadata.name)).to.deep.equal(
      a.body.items.map((e: any) => e.metadata.name),
    );
    const none = await http(core('?fieldSelector=involvedObject.name%3Dother'));
    expect(none.body.items).to.deep.equal([]);
  });

  it('streams an events.k8s.io write to a core watch in the core shape', async () => {
    const rv = (await http(core())).body.metadata.resourceVersion as string;
    const ctrl = new AbortController();
    const res = await fetch(core(`?watch=true&resourceVersion=${rv}`), { signal: ctrl.signal });
    const reader = res.body!.getReader();
    await http(v1(), {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'watched.1' },
        eventTime: '2026-01-01T00:00:00.000000Z',
        reportingController: 'tester',
        reportingInstance: 'me',
        action: 'Check',
        reason: 'Watched',
        note: 'seen by a core watch',
        type: 'Normal',
        regarding: { kind: 'SchemaMigration', name: SMIG, namespace: NS },
      }),
    });
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    const ev = JSON.parse(text.split('\n')[0]!);
    expect(ev.type).to.equal('ADDED');
    expect(ev.object).to.deep.include({
      apiVersion: 'v1',
      message: 'seen by a core watch',
      reportingComponent: 'tester',
    });
    expect(ev.object.involvedObject.name).to.equal(SMIG);
    await http(core('/watched.1'), { method: 'DELETE' });
  });

  it('shows the recorded events in kubectl get events, with source and count in -o wide', async () => {
    const r = await k(['get', 'events', '-n', NS]);
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).to.match(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    const applied = lines.find((l) => l.includes('Applied'));
    expect(applied).to.match(
      /^\d+s\s+Normal\s+Applied\s+schemamigration\/api\s+applied 006_add_organizations.sql in 12 ms$/,
    );
    const wide = await k(['get', 'events', '-n', NS, '-o', 'wide']);
    expect(wide.code, wide.stderr).to.equal(0);
    const failed = wide.stdout.split('\n').find((l) => l.includes('Failed'));
    expect(failed).to.match(
      /schema-operator, operator-0\s+column "org_id" does not exist\s+\S+\s+2\s/,
    );
    // The same rows through the group's own resource name.
    const other = await k(['get', 'events.events.k8s.io', '-n', NS]);
    const rows = (out: string) =>
      out
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^\S+\s+/, ''))
        .sort();
    expect(rows(other.stdout)).to.deep.equal(rows(r.stdout));
  });

  it('lists the events in the Events section of kubectl describe smig', async () => {
    const r = await k(['describe', `smig/${SMIG}`, '-n', NS]);
    expect(r.code, r.stderr).to.equal(0);
    const events = r.stdout.slice(r.stdout.indexOf('Events:'));
    expect(events).to.match(/Type\s+Reason\s+Age\s+From\s+Message/);
    expect(events).to.match(
      /Normal\s+Applied\s+\d+s\s+schema-operator\s+applied 006_add_organizations.sql in 12 ms/,
    );
    expect(events).to.match(
      /Warning\s+Failed\s+\d+s \(x2 over \d+s\)\s+schema-operator\s+column "org_id" does not exist/,
    );
  });
});
