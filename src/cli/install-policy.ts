/**
 * The operator's ValidatingAdmissionPolicy (manifests/admission-policy.yaml,
 * the kustomize base's copy) installed through a Kubernetes client, for
 * `dev` and the tests: the operator they run authenticates as
 * {@link OPERATOR_USERNAME}, so it runs under the same policy as in a cluster.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../api/index.js';
import type { KubeClient, Unstructured } from '../kube/index.js';

/** The ServiceAccount username of the kustomize base, which its policy restricts. */
export const OPERATOR_USERNAME = 'system:serviceaccount:schema-operator-system:schema-operator';

/** Where the policy is read from. */
export const POLICY_FILE = join('manifests', 'admission-policy.yaml');

const refs: Record<string, { plural: string }> = {
  ValidatingAdmissionPolicy: { plural: 'validatingadmissionpolicies' },
  ValidatingAdmissionPolicyBinding: { plural: 'validatingadmissionpolicybindings' },
};

/** The policy and its binding; throws naming the file when it is not what `dev` expects. */
export async function loadAdmissionPolicy(): Promise<Unstructured[]> {
  const path = join(packageRoot(), POLICY_FILE);
  const docs = parseAllDocuments(await readFile(path, 'utf8')).map((d) => d.toJS() as Unstructured);
  const kinds = docs.map((d) => d?.kind).sort();
  if (kinds.join() !== 'ValidatingAdmissionPolicy,ValidatingAdmissionPolicyBinding')
    throw new Error(
      `${POLICY_FILE}: expected a ValidatingAdmissionPolicy and its binding, found ${kinds.join(', ')}`,
    );
  const policy = docs.find((d) => d.kind === 'ValidatingAdmissionPolicy')!;
  if (!JSON.stringify(policy.spec ?? {}).includes(`'${OPERATOR_USERNAME}'`))
    throw new Error(`${POLICY_FILE}: spec.matchConditions does not name ${OPERATOR_USERNAME}`);
  return docs;
}

/** Creates the policy and its binding (fails if they exist). */
export async function installAdmissionPolicy(client: KubeClient): Promise<void> {
  for (const obj of await loadAdmissionPolicy()) {
    const r = client.resource<Unstructured>({
      group: 'admissionregistration.k8s.io',
      version: 'v1',
      plural: refs[obj.kind!]!.plural,
      namespaced: false,
    });
    await r.create(obj);
  }
}
