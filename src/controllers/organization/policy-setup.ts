/**
 * Wires the Organization controller's class policy: an informer on
 * OrganizationClasses and one on each managed kind, filtered by the label
 * selector `app.kubernetes.io/managed-by=schema-operator` so the caches hold
 * only the operator's objects, never every RoleBinding of the cluster.
 *
 * Wakes, all through the controller's work queue (which dedupes a key queued
 * twice and rate-limits retries, so a class change over thousands of orgs
 * is spread over the workers instead of written at once):
 * - an edit or deletion of a managed object wakes its org (its
 *   organization label), so it is put back within the queue's latency;
 * - a class whose spec, annotations or deletion changed wakes every org of
 *   it: those naming it, and those without className when it is or was a
 *   default.
 */
import type { Organization, OrganizationClass } from '../../api/index.js';
import {
  Informer,
  type Indexer,
  type KubeClient,
  type KubeObject,
  type Manager,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import { classOf, DEFAULT_CLASS_KEY, isDefaultClass } from '../class-of.js';
import { annotationsChanged, anyOf, deletionChanged, generationChanged } from '../event-filters.js';
import {
  limitRanges,
  networkPolicies,
  organizationClasses,
  resourceQuotas,
  roleBindings,
} from '../resources.js';
import type { PolicyDeps } from './deps.js';
import { MANAGED_SELECTOR, ORG_LABEL } from './policy-objects.js';
import { OWNED } from './policy-plan.js';
import { policyWriter, type PolicyClients } from './policy-writer.js';

/** Options of {@link setupPolicy}. */
export interface PolicySetup {
  client: KubeClient;
  manager: Manager;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** `run --bindable-cluster-roles`. */
  bindableClusterRoles: readonly string[];
  /** A class informer to share (the class controller's); without it one is started here. */
  classes?: Informer<OrganizationClass>;
}

/** The policy's dependencies, and `watch` to connect its wakes to the org controller. */
export interface PolicyWiring {
  deps: PolicyDeps;
  classes: Informer<OrganizationClass>;
  /** Connects the wakes: `enqueue(orgName)`; `orgs` indexed by `class` (class-of.ts classKeyOf). */
  watch(o: { enqueue(name: string): void; orgs: Indexer<Organization> }): void;
}

/**
 * What the policy reads of a managed object, as cached: kind, metadata
 * without managedFields, and the fields a class owns (policy-plan.ts OWNED).
 * Status (a ResourceQuota's usage, rewritten by the quota controller) and
 * anything else is left out. Annotations stay whole: a write carries the
 * cached metadata over (policy-plan.ts merged), so nothing of it may be lost.
 */
export function policyObject(kind: string, o: KubeObject): KubeObject {
  const metadata = { ...o.metadata };
  delete metadata.managedFields;
  const out: Record<string, unknown> = { apiVersion: o.apiVersion, kind, metadata };
  for (const k of OWNED) {
    const v = (o as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as KubeObject;
}

/** A class changed in a way its orgs must see. */
const classChanged = anyOf<OrganizationClass>(
  generationChanged,
  annotationsChanged,
  deletionChanged,
);

/** The informers and writer of the class policy. */
export function setupPolicy(s: PolicySetup): PolicyWiring {
  const classes =
    s.classes ??
    new Informer<OrganizationClass>({
      client: s.client.resource<OrganizationClass>(organizationClasses),
      logger: s.logger,
      metrics: s.metrics,
      indexers: { default: (c) => (isDefaultClass(c) ? ['true'] : []) },
    });
  if (!s.classes) s.manager.addInformer(classes);
  const refs = {
    ResourceQuota: resourceQuotas,
    LimitRange: limitRanges,
    NetworkPolicy: networkPolicies,
    RoleBinding: roleBindings,
  };
  const clients = {} as PolicyClients;
  const informers: Array<Informer<KubeObject>> = [];
  for (const [kind, ref] of Object.entries(refs) as Array<
    [keyof PolicyClients, (typeof refs)[keyof PolicyClients]]
  >) {
    clients[kind] = s.client.resource<KubeObject>(ref);
    const inf = new Informer<KubeObject>({
      client: clients[kind],
      labelSelector: MANAGED_SELECTOR,
      logger: s.logger,
      metrics: s.metrics,
      indexers: { namespace: (o) => [o.metadata.namespace ?? ''] },
      transform: (o) => policyObject(kind, o),
    });
    informers.push(inf);
    s.manager.addInformer(inf);
  }

  const deps: PolicyDeps = {
    classOf: (org) =>
      classOf(org, {
        get: (name) => classes.cache.get(name),
        defaults: () => classes.cache.byIndex('default', 'true'),
      }),
    objectsIn: (ns) => informers.flatMap((i) => i.cache.byIndex('namespace', ns)),
    writer: policyWriter({ clients, metrics: s.metrics }),
    bindableClusterRoles: s.bindableClusterRoles,
  };

  const watch: PolicyWiring['watch'] = ({ enqueue, orgs }) => {
    const wakeOwner = (o: KubeObject) => {
      const id = o.metadata.labels?.[ORG_LABEL];
      if (id) enqueue(id);
    };
    for (const inf of informers)
      inf.on({ add: wakeOwner, update: (_old, o) => wakeOwner(o), delete: wakeOwner });
    const wakeClass = (c: OrganizationClass, wasDefault: boolean) => {
      for (const o of orgs.byIndex('class', c.metadata.name!)) enqueue(o.metadata.name!);
      if (wasDefault || isDefaultClass(c))
        for (const o of orgs.byIndex('class', DEFAULT_CLASS_KEY)) enqueue(o.metadata.name!);
    };
    classes.on({
      add: (c) => wakeClass(c, false),
      update: (old, c) => {
        if (classChanged(old, c)) wakeClass(c, isDefaultClass(old));
      },
      delete: (c) => wakeClass(c, false),
    });
  };
  return { deps, classes, watch };
}
