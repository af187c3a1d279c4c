/**
 * The one pod informer of the operator: pods labelled
 * `schema.streamspace.io/gated=true` only (the operator never caches the
 * cluster's other pods), indexed by the SchemaMigration each one names,
 * gated or released. The pod gate releases the gated ones; the
 * SchemaMigration controller counts all of them before a contract migration.
 * The operator wiring creates it once and hands it to both.
 */
import { GATED_LABEL, MIGRATION_ANNOTATION } from '../api/index.js';
import { Informer, type KubeClient } from '../kube/index.js';
import type { Logger, OperatorMetrics } from '../observability/index.js';
import type { GatedPod } from './pod-annotations.js';
import { pods as podsRef } from './resources.js';

/** The label selector of the pod informer. */
export const GATED_SELECTOR = `${GATED_LABEL}=true`;

/** Index name: pods by the `ns/name` of the SchemaMigration they name. */
const BY_MIGRATION = 'migration';

/** What the pod informer needs. */
export interface PodInformerOptions {
  client: KubeClient;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** Watch only this namespace (default: all). */
  namespace?: string;
  /** A shard's label selector (`run --selector`), added to the gated label. */
  labelSelector?: string;
}

/** A pod informer (not yet registered on a manager) with the by-SchemaMigration index. */
export function podInformer(o: PodInformerOptions): Informer<GatedPod> {
  return new Informer<GatedPod>({
    client: o.client.resource<GatedPod>(podsRef),
    namespace: o.namespace,
    labelSelector: o.labelSelector?.trim()
      ? `${GATED_SELECTOR},${o.labelSelector.trim()}`
      : GATED_SELECTOR,
    logger: o.logger,
    metrics: o.metrics,
    indexers: { [BY_MIGRATION]: (p) => migrationKeys(p) },
  });
}

/** The cached pods naming SchemaMigration `key` (`ns/name`), gated or not, terminating included. */
export function podsNaming(pods: Informer<GatedPod>, key: string): GatedPod[] {
  return pods.cache.byIndex(BY_MIGRATION, key);
}

/** The `ns/name` a pod names in its migration annotation, as an index value. */
export function migrationKeys(p: GatedPod): string[] {
  const name = p.metadata?.annotations?.[MIGRATION_ANNOTATION]?.trim();
  return name ? [`${p.metadata.namespace}/${name}`] : [];
}
