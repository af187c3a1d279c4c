/**
 * Which OrganizationClass an Organization uses, decided once for both
 * controllers (the Organization controller applies it, the class controller
 * counts its orgs): spec.className when set, else the one class annotated
 * `schema.streamspace.io/is-default-class: "true"`. Two or more defaults are
 * ambiguous: nothing is picked, so no org silently gets one admin's class
 * rather than another's (the StorageClass rule, stricter: Kubernetes picks
 * the newest default).
 */
import {
  DEFAULT_CLASS_ANNOTATION,
  type Organization,
  type OrganizationClass,
} from '../api/index.js';

/** The class an org uses, or why none applies. */
export type ClassChoice =
  | { kind: 'class'; class: OrganizationClass }
  /** No className and no default class: no policy, as before classes existed. */
  | { kind: 'none' }
  | { kind: 'not-found'; name: string }
  | { kind: 'ambiguous'; names: string[] };

/** True when `c` is annotated as the default class. */
export function isDefaultClass(c: OrganizationClass | undefined): boolean {
  return c?.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true';
}

/** Options of {@link classOf}. */
export interface ClassLookup {
  /** A class by name, from the informer cache. */
  get(name: string): OrganizationClass | undefined;
  /** Every class annotated as the default. */
  defaults(): OrganizationClass[];
}

/** The class `org` uses, given the classes in `lookup`. */
export function classOf(org: Organization, lookup: ClassLookup): ClassChoice {
  const name = org.spec.className;
  if (name) {
    const c = lookup.get(name);
    return c ? { kind: 'class', class: c } : { kind: 'not-found', name };
  }
  const defaults = lookup.defaults();
  if (defaults.length === 0) return { kind: 'none' };
  if (defaults.length > 1)
    return { kind: 'ambiguous', names: defaults.map((c) => c.metadata.name!).sort() };
  return { kind: 'class', class: defaults[0]! };
}

/**
 * The index key of an org's class choice: its className, or
 * {@link DEFAULT_CLASS_KEY} when it follows the default.
 */
export function classKeyOf(org: Organization): string {
  return org.spec.className || DEFAULT_CLASS_KEY;
}

/** The index key of orgs without spec.className (not a valid class name, so never a clash). */
export const DEFAULT_CLASS_KEY = '<default>';
