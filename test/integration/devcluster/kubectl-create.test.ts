/**
 * Every `kubectl create <kind>` subcommand for the kinds the devcluster
 * stores, with kubectl 1.33, which sends them as protobuf. The referee is
 * kubectl itself: the same command with `--dry-run=client -o json`, created
 * from that JSON, must store the same object as the protobuf request.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { kubectl as run } from '../../support/kubectl.js';
import { kubeconfigFile, useDevCluster } from '../../support/devcluster.js';

const tls = fileURLToPath(new URL('../../../../test/fixtures/tls/', import.meta.url));
const ALICE = 'system:serviceaccount:team:alice';

/** A subcommand: what follows `create`, with `NAME` where the object's name goes. */
interface Case {
  args: string[];
  /** `get` resource of what it creates. */
  resource: string;
  namespaced: boolean;
}

const CASES: Case[] = [
  { args: ['namespace', 'NAME'], resource: 'namespace', namespaced: false },
  {
    args: ['secret', 'generic', 'NAME', '--from-literal=url=postgres://db/x', '--type=Opaque'],
    resource: 'secret',
    namespaced: true,
  },
  {
    args: ['secret', 'tls', 'NAME', `--cert=${tls}server.crt`, `--key=${tls}server.key`],
    resource: 'secret',
    namespaced: true,
  },
  {
    args: [
      'secret',
      'docker-registry',
      'NAME',
      '--docker-server=registry.example.com',
      '--docker-username=u',
      '--docker-password=p',
      '--docker-email=u@example.com',
    ],
    resource: 'secret',
    namespaced: true,
  },
  {
    args: ['configmap', 'NAME', '--from-literal=a=1', '--from-literal=b=two'],
    resource: 'configmap',
    namespaced: true,
  },
  { args: ['serviceaccount', 'NAME'], resource: 'serviceaccount', namespaced: true },
  {
    args: ['deployment', 'NAME', '--image=nginx:1.27', '--replicas=0', '--port=8080'],
    resource: 'deployment',
    namespaced: true,
  },
  {
    args: ['service', 'clusterip', 'NAME', '--tcp=80:8080', '--tcp=443:8443'],
    resource: 'service',
    namespaced: true,
  },
  {
    args: ['service', 'clusterip', 'NAME', '--clusterip=None'],
    resource: 'service',
    namespaced: true,
  },
  {
    args: ['service', 'nodeport', 'NAME', '--tcp=80:8080', '--node-port=30080'],
    resource: 'service',
    namespaced: true,
  },
  {
    args: ['service', 'loadbalancer', 'NAME', '--tcp=80:8080'],
    resource: 'service',
    namespaced: true,
  },
  {
    args: ['service', 'externalname', 'NAME', '--external-name=db.example.com'],
    resource: 'service',
    namespaced: true,
  },
  {
    args: ['role', 'NAME', '--verb=get,list', '--resource=pods,configmaps', '--resource-name=x'],
    resource: 'role',
    namespaced: true,
  },
  {
    args: ['rolebinding', 'NAME', '--role=r', '--user=u', '--serviceaccount=default:sa'],
    resource: 'rolebinding',
    namespaced: true,
  },
  {
    args: ['clusterrole', 'NAME', '--verb=get', '--non-resource-url=/healthz'],
    resource: 'clusterrole',
    namespaced: false,
  },
  {
    args: ['clusterrolebinding', 'NAME', '--clusterrole=view', '--group=g'],
    resource: 'clusterrolebinding',
    namespaced: false,
  },
  {
    args: ['quota', 'NAME', '--hard=pods=2,requests.cpu=500m', '--scopes=NotTerminating'],
    resource: 'resourcequota',
    namespaced: true,
  },
  {
    args: ['poddisruptionbudget', 'NAME', '--selector=app=x', '--min-available=50%'],
    resource: 'poddisruptionbudget',
    namespaced: true,
  },
];

/** The object without what the server makes per object, names replaced by `NAME`. */
function comparable(obj: Record<string, unknown>, name: string): unknown {
  const meta = { ...(obj.metadata as Record<string, unknown>) };
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'namespace', 'managedFields'])
    delete meta[k];
  return JSON.parse(JSON.stringify({ ...obj, metadata: meta }).replaceAll(name, 'NAME'));
}

describe('kubectl 1.33 create subcommands (protobuf bodies)', function () {
  this.timeout(120_000);
  const f = useDevCluster({ users: [{ name: 'alice', username: ALICE }] });
  const kubectl = (args: string[], input?: string) =>
    run(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });

  it('stores from each protobuf request the object its JSON form gives', async () => {
    for (const ns of ['pb', 'js']) expect((await kubectl(['create', 'ns', ns])).code).to.equal(0);
    let i = 0;
    for (const c of CASES) {
      i++;
      const name = `obj${i}`;
      const proto = c.args.map((a) => (a === 'NAME' ? `${name}-pb` : a));
      const json = c.args.map((a) => (a === 'NAME' ? `${name}-js` : a));
      const sent = await kubectl(['create', '-n', 'pb', '-v=8', ...proto]);
      expect(sent.code, `create ${proto.join(' ')}: ${sent.stderr}`).to.equal(0);
      expect(sent.stderr, proto.join(' ')).to.contain(
        'Content-Type: application/vnd.kubernetes.protobuf',
      );
      const dry = await kubectl(['create', '-n', 'js', '--dry-run=client', '-o', 'json', ...json]);
      expect(dry.code, dry.stderr).to.equal(0);
      const created = await kubectl(['create', '-n', 'js', '-f', '-'], dry.stdout);
      expect(created.code, `create -f of ${json.join(' ')}: ${created.stderr}`).to.equal(0);
      const get = async (ns: string, n: string) => {
        const r = await kubectl(['get', '-n', ns, c.resource, n, '-o', 'json']);
        expect(r.code, r.stderr).to.equal(0);
        return JSON.parse(r.stdout) as Record<string, unknown>;
      };
      const a = comparable(await get('pb', `${name}-pb`), `${name}-pb`);
      const b = comparable(await get('js', `${name}-js`), `${name}-js`);
      expect(a, c.args.join(' ')).to.deep.equal(b);
    }
  });

  it('keeps what kubectl put in the protobuf body: data, types, ports, rules, selectors', async () => {
    const get = async (args: string[]) =>
      JSON.parse((await kubectl(['get', '-n', 'pb', ...args, '-o', 'json'])).stdout) as {
        metadata: Record<string, unknown>;
        [k: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      };
    const secret = await get(['secret', 'obj2-pb']);
    expect(Buffer.from(secret.data.url as string, 'base64').toString()).to.equal('postgres://db/x');
    expect((await get(['secret', 'obj3-pb'])).type).to.equal('kubernetes.io/tls');
    const docker = await get(['secret', 'obj4-pb']);
    expect(docker.type).to.equal('kubernetes.io/dockerconfigjson');
    const auths = JSON.parse(Buffer.from(docker.data['.dockerconfigjson'], 'base64').toString());
    expect(auths.auths['registry.example.com'].username).to.equal('u');
    const deploy = await get(['deployment', 'obj7-pb']);
    expect(deploy.spec.replicas).to.equal(0);
    expect(deploy.spec.template.spec.containers[0].ports).to.deep.equal([{ containerPort: 8080 }]);
    const nodePort = await get(['service', 'obj10-pb']);
    expect(nodePort.spec.ports[0]).to.include({ port: 80, targetPort: 8080, nodePort: 30080 });
    expect((await get(['service', 'obj9-pb'])).spec.clusterIP).to.equal('None');
    const role = await get(['role', 'obj13-pb']);
    expect(role.rules[0]).to.deep.include({ resourceNames: ['x'], verbs: ['get', 'list'] });
    const pdb = await get(['pdb', 'obj18-pb']);
    expect(pdb.spec.minAvailable).to.equal('50%');
    expect(pdb.metadata.generation).to.equal(1);
    // Core kinds get no generation, as from kube-apiserver.
    for (const kind of ['secret/obj2-pb', 'configmap/obj5-pb', 'serviceaccount/obj6-pb'])
      expect((await get([kind])).metadata, kind).to.not.have.property('generation');
  });

  it('takes a protobuf create through validation and admission policies, as its user', async () => {
    const bad = await kubectl(['create', 'configmap', 'Not_A_Name', '-n', 'pb']);
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.contain('ConfigMap "Not_A_Name" is invalid: metadata.name');
    const policy = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-alice-configmaps}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  matchConditions:
  - {name: alice, expression: "request.userInfo.username == '${ALICE}'"}
  validations:
  - {expression: "!has(object.data) || !('secret' in object.data)", message: no secrets in configmaps}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-alice-configmaps}
spec: {policyName: no-alice-configmaps, validationActions: [Deny]}
`;
    expect((await kubectl(['apply', '-f', '-'], policy)).code).to.equal(0);
    const asAlice = await kubeconfigFile(f.dc, { user: 'alice', namespace: 'pb' });
    const alice = (args: string[]) => run(args, { kubeconfigPath: asAlice });
    const denied = await alice(['create', 'configmap', 'leak', '--from-literal=secret=x']);
    expect(denied.code).to.not.equal(0);
    expect(denied.stderr).to.contain('no secrets in configmaps');
    const fine = await alice(['create', 'configmap', 'fine', '--from-literal=other=x']);
    expect(fine.code, fine.stderr).to.equal(0);
    const admin = await kubectl([
      'create',
      'configmap',
      'admin',
      '-n',
      'pb',
      '--from-literal=secret=x',
    ]);
    expect(admin.code, admin.stderr).to.equal(0);
  });
});
