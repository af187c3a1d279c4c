/**
 * Kubernetes Events (events.k8s.io/v1) about the objects the operator
 * manages, as `kubectl describe` shows them. Repeats of the same
 * (object, type, reason, note) within the aggregation window update one
 * Event's series (count, lastObservedTime) instead of creating new ones.
 * Recording never throws into the caller: an event is worth less than the
 * reconcile that emits it, so failures are logged.
 *
 * Names are `<object>.<hex of the time in nanoseconds>`, as client-go's
 * recorders make them: the API server lists in key order, so events sort by
 * the time they happened in `kubectl get events` (a generated name's random
 * suffix would shuffle them).
 */
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import { realClock, type Clock } from './clock.js';
import { NotFoundError } from './errors.js';
import { formatMicroTime } from './micro-time.js';
import type { KubeObject, ResourceClient } from './resource-client.js';

/** The controller name written as reportingController. */
export const REPORTING_CONTROLLER = 'schema-operator';

/** The events.k8s.io/v1 events resource. */
export const eventResource = {
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  namespaced: true,
};

/** What `record` needs of the object: it must have been read from the API (uid, resourceVersion). */
export type EventSubject = Required<Pick<KubeObject, 'apiVersion' | 'kind'>> & KubeObject;

/** Normal or Warning, as the API defines. */
export type EventType = 'Normal' | 'Warning';

/** An events.k8s.io/v1 Event, the fields this recorder writes. */
export interface EventObject extends KubeObject {
  eventTime: string;
  type: EventType;
  reason: string;
  note: string;
  action: string;
  reportingController: string;
  reportingInstance: string;
  regarding: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  /** Set once the event repeats: how often, and when last. */
  series?: { count: number; lastObservedTime: string };
}

/** Records events about objects. */
export interface EventRecorder {
  /** Posts (or aggregates) an event; never throws, never rejects. */
  record(obj: EventSubject, type: EventType, reason: string, note: string): Promise<void>;
}

/** Options for `KubeEventRecorder`. */
export interface EventRecorderOptions {
  /** Events are written here; the recorder reads back only the name it gave. */
  client: ResourceClient<KubeObject>;
  /** reportingInstance: usually the pod name. */
  instance: string;
  /** Events for cluster-scoped objects go here (default `default`). */
  clusterScopedNamespace?: string;
  /** Repeats within this window are aggregated (default 10 minutes). */
  aggregateWindowMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** `<name>.<hex nanoseconds>`, strictly after `after` (so two events in one millisecond keep their order). */
export function eventName(
  objectName: string,
  nowMs: number,
  after = 0n,
): { name: string; nanos: bigint } {
  let nanos = BigInt(Math.floor(nowMs * 1000)) * 1000n;
  if (nanos <= after) nanos = after + 1n;
  return { name: `${objectName}.${nanos.toString(16)}`, nanos };
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  last: number;
}

/** An `EventRecorder` posting events.k8s.io/v1 Events. */
export class KubeEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  /** The nanoseconds of the last name given, so names stay unique and in order. */
  private lastNanos = 0n;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly opts: EventRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger ?? silentLogger;
  }

  async record(obj: EventSubject, type: EventType, reason: string, note: string): Promise<void> {
    const m = obj.metadata;
    const namespace = m.namespace ?? this.opts.clusterScopedNamespace ?? 'default';
    const key = [obj.apiVersion, obj.kind, m.namespace, m.name, m.uid, type, reason, note].join(
      '\u0000',
    );
    const now = this.clock.now();
    this.prune(now);
    try {
      const prior = this.seen.get(key);
      if (prior && (await this.bump(prior, now))) return this.touch(key, prior);
      const created = await this.opts.client.create(
        this.event(obj, namespace, type, reason, note, now),
      );
      this.touch(key, { name: created.metadata.name ?? '', namespace, count: 1, last: now });
    } catch (err) {
      this.log.warn('could not record an event', {
        error: err,
        reason,
        object: `${m.namespace ?? ''}/${m.name}`,
      });
    }
  }

  /** Adds one to an existing event's series; false when it is gone and must be created anew. */
  private async bump(prior: Seen, now: number): Promise<boolean> {
    const count = prior.count + 1;
    try {
      await this.opts.client.mergePatch(
        { namespace: prior.namespace, name: prior.name },
        { series: { count, lastObservedTime: formatMicroTime(now) } },
      );
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
    prior.count = count;
    prior.last = now;
    return true;
  }

  /**
   * Remembers `s` under `key` as the most recent: `seen` is kept in the
   * order of last use (a Map iterates in insertion order), so pruning stops
   * at the first entry still inside the window instead of scanning them all
   * on every event (thousands of orgs, each with its own key, made every
   * record a full scan).
   */
  private touch(key: string, s: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, s);
  }

  private prune(now: number): void {
    const window = this.opts.aggregateWindowMs ?? 600_000;
    for (const [k, s] of this.seen) {
      if (now - s.last <= window) break;
      this.seen.delete(k);
    }
  }

  private event(
    obj: EventSubject,
    namespace: string,
    type: EventType,
    reason: string,
    note: string,
    now: number,
  ): EventObject {
    const m = obj.metadata;
    const { name, nanos } = eventName(m.name ?? '', now, this.lastNanos);
    this.lastNanos = nanos;
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: formatMicroTime(now),
      type,
      reason,
      // The API caps note at 1 kB.
      note: note.length > 1024 ? `${note.slice(0, 1021)}...` : note,
      action: reason,
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.opts.instance,
      regarding: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resourceVersion: m.resourceVersion,
      },
    };
  }
}
