/**
 * `kubectl create token` (a TokenRequest on `serviceaccounts/<name>/token`,
 * sent as protobuf by kubectl 1.33): the token authenticates as the
 * ServiceAccount, which admission policies then see.
 */
import { expect } from 'chai';
import { useDevCluster } from '../../support/devcluster.js';
import { kubectl as run } from '../../support/kubectl.js';

describe('kubectl 1.33 create token', function () {
  this.timeout(60_000);
  const f = useDevCluster();
  const kubectl = (args: string[], input?: string) =>
    run(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });

  it('issues with create token a bearer token that authenticates as the ServiceAccount', async () => {
    expect((await kubectl(['create', 'namespace', 'pb'])).code).to.equal(0);
    expect((await kubectl(['create', 'serviceaccount', 'bot', '-n', 'pb'])).code).to.equal(0);
    const issued = await kubectl(['create', 'token', 'bot', '-n', 'pb', '-v=8']);
    expect(issued.code, issued.stderr).to.equal(0);
    expect(issued.stderr).to.contain('Content-Type: application/vnd.kubernetes.protobuf');
    const token = issued.stdout.trim();
    const policy = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: bot-reads-only}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  validations:
  - expression: "request.userInfo.username != 'system:serviceaccount:pb:bot'"
    messageExpression: "request.userInfo.username + ' in ' + request.userInfo.groups.join(',') + ' only reads'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: bot-reads-only}
spec: {policyName: bot-reads-only, validationActions: [Deny]}
`;
    expect((await kubectl(['apply', '-f', '-'], policy)).code).to.equal(0);
    const asBot = (method: string, body?: object) =>
      fetch(`${f.url}/api/v1/namespaces/pb/configmaps`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await asBot('GET')).status).to.equal(200);
    const denied = await asBot('POST', { metadata: { name: 'by-bot' } });
    expect(denied.status).to.equal(422);
    expect(((await denied.json()) as { message: string }).message).to.contain(
      'system:serviceaccount:pb:bot in system:serviceaccounts,system:serviceaccounts:pb,system:authenticated only reads',
    );
    const short = await kubectl(['create', 'token', 'bot', '-n', 'pb', '--duration=5m']);
    expect(short.stderr).to.contain('may not specify a duration less than 10 minutes');
    const missing = await kubectl(['create', 'token', 'nobody', '-n', 'pb']);
    expect(missing.stderr).to.contain('serviceaccounts "nobody" not found');
  });
});
