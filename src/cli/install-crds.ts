/** Creates the project's CRDs (from `crds/`) through a Kubernetes client: `dev`, tests, benchmarks. */
import { loadCrds, type Crd } from '../api/index.js';
import type { KubeClient } from '../kube/index.js';

const crdResource = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

/** Creates every CRD of `crds/`; fails if one exists already. */
export async function installCrds(client: KubeClient): Promise<void> {
  const crds = client.resource<Crd>(crdResource);
  for (const crd of await loadCrds()) await crds.create(crd);
}
