/**
 * Discovery documents (legacy, not aggregated: clients that ask for the
 * aggregated form get plain JSON and fall back, as kubectl does) and
 * `/version`. Built from the registry on each request.
 */
import type { ResourceRegistry, ResourceType } from './resources.js';
import { hasScale } from './scale.js';

/** The Kubernetes version the devcluster claims to be. */
export const VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0-devcluster',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `/api`. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function group(name: string, versions: string[]): object {
  const gv = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gv, preferredVersion: gv[0] };
}

/** `/apis`. */
export function apiGroupList(registry: ResourceRegistry): object {
  const groups = registry
    .groupVersions()
    .filter((g) => g.group !== '')
    .map((g) => group(g.group, g.versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `/apis/GROUP`, or undefined when the group is not served. */
export function apiGroup(registry: ResourceRegistry, name: string): object | undefined {
  const g = registry.groupVersions().find((x) => x.group === name && name !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...group(g.group, g.versions) } : undefined;
}

function resourceEntries(t: ResourceType): object[] {
  const main = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs ?? VERBS,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories.length ? { categories: t.categories } : {}),
  };
  const entries: object[] = [main];
  if (t.status)
    entries.push({
      name: `${t.resource}/status`,
      singularName: '',
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: ['get', 'patch', 'update'],
    });
  // kubectl scale finds the Scale kind here (its discovery scale-kind resolver).
  if (hasScale(t))
    entries.push({
      name: `${t.resource}/scale`,
      singularName: '',
      namespaced: t.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  return entries;
}

/** `/api/v1` or `/apis/GROUP/VERSION`, or undefined when not served. */
export function apiResourceList(
  registry: ResourceRegistry,
  groupName: string,
  version: string,
): object | undefined {
  if (!registry.hasVersion(groupName, version)) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupName ? `${groupName}/${version}` : version,
    resources: registry.typesOf(groupName, version).flatMap(resourceEntries),
  };
}
