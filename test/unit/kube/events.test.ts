import { expect } from 'chai';
import { ForbiddenError, NotFoundError } from '../../../src/kube/errors.js';
import { KubeEventRecorder, eventResource, type EventObject } from '../../../src/kube/events.js';
import { ResourceClient } from '../../../src/kube/resource-client.js';
import type { KubeRequest, Transport } from '../../../src/kube/transport.js';
import type { Logger } from '../../../src/observability/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A transport for the events API: creates echo the body; patches fail with `patchError` if set. */
function eventsApi() {
  const sent: KubeRequest[] = [];
  const state: { patchError?: Error } = {};
  const transport: Transport = {
    server: 'https://stub',
    request: <T>(req: KubeRequest) => {
      sent.push(req);
      if (req.method === 'PATCH' && state.patchError) return Promise.reject(state.patchError);
      return Promise.resolve(req.body as T);
    },
    stream: () => Promise.reject(new Error('no streams here')),
  };
  return { transport, sent, state };
}

function recordingLogger(warnings: string[]): Logger {
  const none = () => undefined;
  const log: Logger = {
    error: none,
    warn: (message) => void warnings.push(message),
    info: none,
    debug: none,
    child: () => log,
  };
  return log;
}

const subject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'ns', uid: 'u-1', resourceVersion: '7' },
};

describe('KubeEventRecorder', () => {
  it('adds a repeat to the first event, and creates a new one when that event is gone', async () => {
    const api = eventsApi();
    const rec = new KubeEventRecorder({
      client: new ResourceClient(api.transport, eventResource),
      instance: 'pod-1',
    });
    await rec.record(subject, 'Warning', 'MigrationFailed', 'boom');
    await rec.record(subject, 'Warning', 'MigrationFailed', 'boom');
    api.state.patchError = new NotFoundError('NotFound', 'events "x" not found', { status: 404 });
    await rec.record(subject, 'Warning', 'MigrationFailed', 'boom');
    expect(api.sent.map((r) => r.method)).to.deep.equal(['POST', 'PATCH', 'PATCH', 'POST']);
    const created = api.sent[0]!.body as EventObject;
    expect(created.regarding).to.include({ kind: 'ConfigMap', name: 'cm', uid: 'u-1' });
    expect(api.sent[1]!.body).to.deep.nested.include({ 'series.count': 2 });
  });

  it('logs, and neither throws nor creates a duplicate, when a repeat fails otherwise', async () => {
    const api = eventsApi();
    const warnings: string[] = [];
    const rec = new KubeEventRecorder({
      client: new ResourceClient(api.transport, eventResource),
      instance: 'pod-1',
      logger: recordingLogger(warnings),
    });
    await rec.record(subject, 'Normal', 'Applied', 'done');
    api.state.patchError = new ForbiddenError('Forbidden', 'events is forbidden');
    await rec.record(subject, 'Normal', 'Applied', 'done');
    expect(api.sent.map((r) => r.method)).to.deep.equal(['POST', 'PATCH']);
    expect(warnings).to.deep.equal(['could not record an event']);
  });

  it('forgets an event once the window passed since its last repeat, whatever the order of first use', async () => {
    const api = eventsApi();
    const clock = new FakeClock();
    const rec = new KubeEventRecorder({
      client: new ResourceClient(api.transport, eventResource),
      instance: 'pod-1',
      aggregateWindowMs: 1000,
      clock,
    });
    const other = { ...subject, metadata: { ...subject.metadata, name: 'cm-2', uid: 'u-2' } };
    await rec.record(subject, 'Normal', 'Applied', 'done'); // t=0: POST (A)
    await clock.advance(500);
    await rec.record(other, 'Normal', 'Applied', 'done'); // t=500: POST (B)
    await clock.advance(400);
    await rec.record(subject, 'Normal', 'Applied', 'done'); // t=900: PATCH (A repeats)
    await clock.advance(700);
    // t=1600: B was last seen 1100 ms ago (a new event); A 700 ms ago (a repeat). A was first
    // used before B, yet B must be forgotten: pruning goes by last use, not by first.
    await rec.record(other, 'Normal', 'Applied', 'done');
    await rec.record(subject, 'Normal', 'Applied', 'done');
    expect(api.sent.map((r) => r.method)).to.deep.equal(['POST', 'POST', 'PATCH', 'POST', 'PATCH']);
  });
});
