/**
 * The objects a SchemaMigration names, followed without being held: its
 * ConfigMaps and its database Secret are watched metadata-only (a change
 * bumps their resourceVersion, which is all a wake needs) and read with a
 * targeted GET when the CR reconciles. Nothing in them is cached, so large
 * ConfigMaps nobody references cost the operator a few hundred bytes each,
 * and users need not label their ConfigMaps.
 *
 * A changed Secret wakes its CRs: their next reconcile reads the new URL and
 * connects there, so a CR does not stay Ready against a database it no
 * longer points at. Secrets are watched per namespace (secret-watches.ts).
 */
import type { SchemaMigration } from '../../api/index.js';
import {
  Informer,
  identityOnly,
  metadataClient,
  type KubeClient,
  type KubeObject,
  type ManagedInformer,
  type PartialObjectMetadata,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import { SecretWatches } from './secret-watches.js';
import type { ConfigMapData, ConfigMapReader } from './source.js';

const configMapsRef = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const secretsRef = { group: '', version: 'v1', plural: 'secrets', namespaced: true };

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** Indexers of the SchemaMigration informer: the `ns/name` of each ConfigMap and Secret a CR names. */
export const referenceIndexers = {
  configmaps: (o: SchemaMigration) =>
    (o.spec.source.configMaps ?? []).map((r) => `${o.metadata.namespace}/${r.name}`),
  secrets: (o: SchemaMigration) => [`${o.metadata.namespace}/${o.spec.database.urlSecretRef.name}`],
};

/** Options of {@link watchReferences}. */
export interface WatchReferencesOptions {
  client: KubeClient;
  /** The SchemaMigration informer, with {@link referenceIndexers}. */
  smigs: Informer<SchemaMigration>;
  /** Queues a CR by `ns/name`. */
  wake(key: string): void;
  namespace?: string;
  logger: Logger;
  metrics?: OperatorMetrics;
}

/** The metadata-only ConfigMap and Secret watches, wired to wake the CRs that name a changed object. */
export function watchReferences(o: WatchReferencesOptions): ManagedInformer[] {
  const secrets = new SecretWatches({
    smigs: o.smigs,
    watch: (namespace) => followReferences(o, secretsRef, 'secrets', namespace),
  });
  return [followReferences(o, configMapsRef, 'configmaps', o.namespace), secrets];
}

/**
 * A metadata-only watch of `ref` in `namespace` (all when undefined) that
 * wakes the CRs whose `index` names a changed object.
 */
function followReferences(
  o: WatchReferencesOptions,
  ref: typeof configMapsRef,
  index: keyof typeof referenceIndexers,
  namespace: string | undefined,
): Informer<PartialObjectMetadata> {
  const informer = new Informer<PartialObjectMetadata>({
    client: metadataClient(o.client, ref),
    namespace,
    transform: identityOnly,
    logger: o.logger,
    metrics: o.metrics,
  });
  const wake = (obj: PartialObjectMetadata) => {
    for (const cr of o.smigs.cache.byIndex(index, keyOf(obj))) o.wake(keyOf(cr));
  };
  informer.on({
    // The first list is not a change: every CR is queued by its own add.
    add: (obj) => {
      if (informer.hasSynced()) wake(obj);
    },
    // A resync re-delivers unchanged objects: only a new resourceVersion is a change.
    update: (old, obj) => {
      if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) wake(obj);
    },
    delete: wake,
  });
  return informer;
}

/** Reads a ConfigMap with a GET when a CR reconciles: only the ones CRs name are ever fetched. */
export function configMapReader(client: KubeClient): ConfigMapReader {
  const configMaps = client.resource<KubeObject & ConfigMapData>(configMapsRef);
  return (namespace, name) => configMaps.find({ namespace, name });
}
