/**
 * Wires the OrganizationClass controller over the informers the
 * Organization controller already runs (classes, and organizations indexed
 * by class): no second watch of either. Wakes:
 * - a class wakes itself on any change (its spec, annotations, deletion);
 * - an organization whose class, PolicyApplied or applied generation
 *   changed wakes its class (the one named, or the defaults), so
 *   status.organizations follows a rollout org by org;
 * - a change of which classes are default wakes every default.
 */
import {
  getCondition,
  OrganizationConditions,
  type Organization,
  type OrganizationClass,
} from '../../api/index.js';
import {
  addFinalizer,
  Controller,
  NotFoundError,
  removeFinalizer,
  type Informer,
  type KubeClient,
  type Manager,
} from '../../kube/index.js';
import type { Logger, OperatorMetrics } from '../../observability/index.js';
import { classOf, classKeyOf, DEFAULT_CLASS_KEY, isDefaultClass } from '../class-of.js';
import { organizationClasses } from '../resources.js';
import { statusWriter } from '../status-writer.js';
import { CLASS_FINALIZER } from './decision.js';
import { organizationClassReconciler } from './reconciler.js';

/** What the controller needs from the process. */
export interface OrganizationClassSetup {
  client: KubeClient;
  manager: Manager;
  logger: Logger;
  metrics?: OperatorMetrics;
  /** The Organization controller's informers (setupOrganizations returns them). */
  organizations: Informer<Organization>;
  organizationClasses: Informer<OrganizationClass>;
}

/** What about an org its class's status counts. */
const policyState = (o: Organization) => {
  const c = getCondition(o.status?.conditions, OrganizationConditions.PolicyApplied);
  return `${classKeyOf(o)}|${o.status?.className}|${o.status?.classGeneration}|${c?.status}|${o.metadata.deletionTimestamp ?? ''}`;
};

/** Registers the controller. */
export function setupOrganizationClasses(s: OrganizationClassSetup): void {
  const client = s.client.resource<OrganizationClass>(organizationClasses);
  const classes = s.organizationClasses;
  const orgs = s.organizations;
  const defaults = () => classes.cache.byIndex('default', 'true');
  const statuses = statusWriter<NonNullable<OrganizationClass['status']>>({
    patch: (key, body) => client.patchStatus(key, body),
  });
  const lookup = { get: (n: string) => classes.cache.get(n), defaults };

  const reconcile = organizationClassReconciler({
    getClass: (name) => classes.cache.get(name),
    orgsOf: (cls) => {
      const name = cls.metadata.name!;
      const candidates = [
        ...orgs.cache.byIndex('class', name),
        ...(isDefaultClass(cls) ? orgs.cache.byIndex('class', DEFAULT_CLASS_KEY) : []),
      ];
      return candidates.filter((o) => {
        const c = classOf(o, lookup);
        return c.kind === 'class' && c.class.metadata.name === name;
      });
    },
    defaults: () => defaults().length,
    addFinalizer: (cls) => addFinalizer(client, cls, CLASS_FINALIZER),
    removeFinalizer: async (cls) => {
      try {
        await removeFinalizer(client, cls, CLASS_FINALIZER);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },
    writeStatus: (cls, status) => statuses.write(cls, status),
    writeStatusThrottled: (cls, status) => statuses.writeThrottled(cls, status),
  });
  const controller = new Controller({
    name: 'organizationclass',
    reconcile,
    workers: 2,
    logger: s.logger,
    metrics: s.metrics,
  });

  const wakeDefaults = () => {
    for (const c of defaults()) controller.enqueue(c.metadata.name!);
  };
  const wakeClassOf = (o: Organization) => {
    if (o.spec.className) controller.enqueue(o.spec.className);
    else wakeDefaults();
    // The class it used before (a className changed or removed).
    if (o.status?.className && o.status.className !== o.spec.className)
      controller.enqueue(o.status.className);
  };
  classes.on({
    add: (c) => {
      controller.enqueue(c.metadata.name!);
      if (isDefaultClass(c)) wakeDefaults();
    },
    update: (old, c) => {
      controller.enqueue(c.metadata.name!);
      if (isDefaultClass(old) !== isDefaultClass(c)) wakeDefaults();
    },
    delete: (c) => {
      statuses.forget(c);
      if (isDefaultClass(c)) wakeDefaults();
    },
  });
  orgs.on({
    add: wakeClassOf,
    update: (old, o) => {
      if (policyState(old) !== policyState(o)) {
        wakeClassOf(old);
        wakeClassOf(o);
      }
    },
    delete: wakeClassOf,
  });
  s.manager.addController(controller);
}
