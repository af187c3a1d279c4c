/**
 * Wires the pod gate: the pod informer (pod-informer.ts: pods labelled
 * `schema.streamspace.io/gated=true` only, indexed by the SchemaMigration
 * each one names), shared with the SchemaMigration controller when the
 * operator passes one; and the SchemaMigration informer, whose readiness changes wake exactly the
 * gated pods that name it. No polling: a pod is looked at when it or its
 * SchemaMigration changes (and on the informers' periodic resync).
 *
 * RBAC this needs: pods list/watch/patch, schemamigrations list/watch,
 * events create/patch (docs/pod-gate.md); the install's admission policy
 * lets the pod patch only remove our gate.
 */
import type { SchemaMigration } from '../../api/index.js';
import {
  Controller,
  Informer,
  objectKey,
  type EventRecorder,
  type KubeClient,
  type KubeObject,
  type Manager,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import { eitherSide, valueChanged } from '../event-filters.js';
import { podInformer, podsNaming } from '../pod-informer.js';
import { pods as podsRef, schemaMigrations } from '../resources.js';
import { hasReadyGate, type GatedPod } from '../pod-annotations.js';
import { readinessSignature } from './decision.js';
import { podGateReconciler } from './reconciler.js';

/** What the pod gate needs from the process. */
export interface PodGateSetup {
  client: KubeClient;
  manager: Manager;
  events: EventRecorder;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** Watch only this namespace (default: all). */
  namespace?: string;
  /**
   * A shard's label selector (`run --selector`): only gated pods that also
   * match it are cached and released, so each pod belongs to one shard.
   */
  labelSelector?: string;
  /**
   * A SchemaMigration informer to share (the SchemaMigration controller's),
   * when it sees every SchemaMigration the pods may name; one is created
   * otherwise (e.g. when that one is label-selected for sharding).
   */
  migrations?: Informer<SchemaMigration>;
  /**
   * The pod informer to share (pod-informer.ts, registered by the caller);
   * one is created and registered otherwise.
   */
  pods?: Informer<GatedPod>;
  /**
   * Parallel reconciles (default 16, more than other controllers: each is a
   * cache read and at most one patch, and a Deployment's pods are usually
   * released together, so the patches' round trips are what to overlap).
   */
  workers?: number;
  /** Called after a gate was removed, with the pod's key. */
  onReleased?(key: string): void;
}

/** Released pods keep changing (scheduling, status): only gated ones matter, plus the release itself. */
const gatedBeforeOrAfter = eitherSide(hasReadyGate);

/** Pods care about a SchemaMigration's readiness only, not its progress writes. */
const readinessChanged = valueChanged(readinessSignature);

/** What `setupPodGate` registered, for tests. */
export interface PodGate {
  pods: Informer<GatedPod>;
  migrations: Informer<SchemaMigration>;
  controller: Controller;
}

/** Registers the informers and the pod-gate controller on the manager. */
export function setupPodGate(s: PodGateSetup): PodGate {
  const podClient = s.client.resource<GatedPod>(podsRef);
  const ownPods = !s.pods;
  const pods = s.pods ?? podInformer(s);
  const ownMigrations = !s.migrations;
  const migrations =
    s.migrations ??
    new Informer<SchemaMigration>({
      client: s.client.resource<SchemaMigration>(schemaMigrations),
      namespace: s.namespace,
      logger: s.logger,
      metrics: s.metrics,
    });

  const reconcile = podGateReconciler({
    getPod: (key) => pods.cache.get(key),
    getMigration: (key) => migrations.cache.get(key),
    patchPod: (key, ops) => podClient.jsonPatch(key, ops),
    events: s.events,
    onReleased: s.onReleased,
  });
  const controller = new Controller({
    name: 'podgate',
    reconcile,
    workers: s.workers ?? 16,
    logger: s.logger,
    metrics: s.metrics,
  });

  const enqueue = (o: KubeObject) => controller.enqueue(objectKey(o));
  const wake = (smig: KubeObject) => {
    for (const p of podsNaming(pods, objectKey(smig))) if (hasReadyGate(p)) enqueue(p);
  };
  pods.on({
    add: (p) => {
      if (hasReadyGate(p)) enqueue(p);
    },
    update: (old, p) => {
      if (gatedBeforeOrAfter(old, p)) enqueue(p);
    },
    delete: enqueue,
  });
  migrations.on({
    add: wake,
    update: (old, smig) => {
      if (readinessChanged(old, smig)) wake(smig);
    },
    delete: wake,
  });

  if (ownPods) s.manager.addInformer(pods);
  if (ownMigrations) s.manager.addInformer(migrations);
  s.manager.addController(controller);
  return { pods, migrations, controller };
}
