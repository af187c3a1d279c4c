/**
 * Metadata-only watches of Secrets, one per namespace that holds
 * SchemaMigrations, started when the first CR of a namespace appears and
 * stopped when its last one goes. Per namespace, because the install may
 * grant Secrets only in the namespaces that use SchemaMigrations (a
 * RoleBinding in each, docs/install.md): a cluster-wide watch would then be
 * refused and never sync. For the same reason these watches never hold the
 * operator's readiness: a namespace whose Secrets may not be watched logs
 * the refusal and retries with backoff, and its CRs still reconcile (they
 * read their Secret with a GET), only a changed Secret does not wake them.
 */
import type { SchemaMigration } from '../../api/index.js';
import type {
  Informer,
  KubeObject,
  ManagedInformer,
  PartialObjectMetadata,
} from '../../kube/index.js';

const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** Options of {@link SecretWatches}. */
export interface SecretWatchesOptions {
  /** The SchemaMigration informer. */
  smigs: Informer<SchemaMigration>;
  /** A metadata-only watch of one namespace's Secrets, wired to wake the CRs that name one. */
  watch(namespace: string): Informer<PartialObjectMetadata>;
}

/** The per-namespace Secret watches, managed as one informer that is always synced. */
export class SecretWatches implements ManagedInformer {
  private readonly byNamespace = new Map<
    string,
    { informer: Informer<PartialObjectMetadata>; crs: Set<string> }
  >();
  private started = false;

  constructor(private readonly o: SecretWatchesOptions) {
    o.smigs.on({ add: (cr) => this.track(cr), delete: (cr) => this.untrack(cr) });
  }

  /** The namespaces watched now (for tests and logs). */
  get namespaces(): string[] {
    return [...this.byNamespace.keys()].sort();
  }

  /** True once the watch of `namespace` has listed its Secrets. */
  hasSyncedIn(namespace: string): boolean {
    return this.byNamespace.get(namespace)?.informer.hasSynced() ?? false;
  }

  start(): void {
    this.started = true;
    for (const { informer } of this.byNamespace.values()) informer.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    const all = [...this.byNamespace.values()];
    this.byNamespace.clear();
    await Promise.all(all.map(({ informer }) => informer.stop()));
  }

  hasSynced(): boolean {
    return true;
  }

  waitForSync(): Promise<void> {
    return Promise.resolve();
  }

  private track(cr: SchemaMigration): void {
    const ns = cr.metadata.namespace!;
    let w = this.byNamespace.get(ns);
    if (!w) {
      w = { informer: this.o.watch(ns), crs: new Set() };
      this.byNamespace.set(ns, w);
      if (this.started) w.informer.start();
    }
    w.crs.add(keyOf(cr));
  }

  private untrack(cr: SchemaMigration): void {
    const ns = cr.metadata.namespace!;
    const w = this.byNamespace.get(ns);
    if (!w) return;
    w.crs.delete(keyOf(cr));
    if (w.crs.size > 0) return;
    this.byNamespace.delete(ns);
    void w.informer.stop();
  }
}
