/**
 * Every `kubectl create <kind>` subcommand for the kinds the devcluster
 * stores, with kubectl 1.33, which sends them as protobuf. The referee is
 * kubectl itself: the same command with `--dry-run=client -o json`, created
 * from that JSON, must store the same object as the protobuf request.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineKubectl, kubectl as run, type KubectlResult } from '../../support/kubectl.js';
import { kubeconfigFile, useDevCluster } from '../../support/devcluster.js';

const tls = fileURLToPath(new URL('../../../../test/fixtures/tls/', import.meta.url));
/** Bytes that are not UTF-8: a ConfigMap keeps them in binaryData (protobuf map<string, bytes>). */
const binaryDir = mkdtempSync(join(tmpdir(), 'schema-operator-pb-'));
const binary = join(binaryDir, 'blob');
writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]));
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
    args: ['configmap', 'NAME', `--from-file=blob=${binary}`, '--from-literal=text=x'],
    resource: 'configmap',
    namespaced: true,
  },
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

/** A kubectl to run the cases with, and the namespace its protobuf objects go to. */
interface Client {
  ns: string;
  run(args: string[], input?: string): Promise<KubectlResult>;
}

/** The object without what the server makes per object, names replaced by `NAME`. */
function comparable(obj: Record<string, unknown>, name: string): unknown {
  const meta = { ...(obj.metadata as Record<string, unknown>) };
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'namespace', 'managedFields'])
    delete meta[k];
  const out: Record<string, unknown> = { ...obj, metadata: meta };
  if (obj.kind === 'Deployment') {
    // The Deployment controller writes these after the create, so the create's answer lacks them.
    delete out.status;
    const annotations = { ...(meta.annotations as Record<string, string> | undefined) };
    delete annotations['deployment.kubernetes.io/revision'];
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
  }
  return JSON.parse(JSON.stringify(out).replaceAll(name, 'NAME'));
}

describe('kubectl 1.33 create subcommands (protobuf bodies)', function () {
  this.timeout(120_000);
  const f = useDevCluster({ users: [{ name: 'alice', username: ALICE }] });
  const kubectl = (args: string[], input?: string) =>
    run(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });
  after(() => rmSync(binaryDir, { recursive: true, force: true }));

  /** Creates case `i` as protobuf in `pb`, and from its client-side JSON in `js`; compares. */
  async function roundTrip(c: Case, i: number, client: Client): Promise<void> {
    const jsNs = `${client.ns}js`;
    const [pbName, jsName] = [`obj${i}-${client.ns}`, `obj${i}-${jsNs}`];
    const proto = c.args.map((a) => (a === 'NAME' ? pbName : a));
    const json = c.args.map((a) => (a === 'NAME' ? jsName : a));
    const sent = await client.run(['create', '-n', client.ns, '-v=8', ...proto]);
    expect(sent.code, `create ${proto.join(' ')}: ${sent.stderr}`).to.equal(0);
    expect(sent.stderr, proto.join(' ')).to.contain(
      'Content-Type: application/vnd.kubernetes.protobuf',
    );
    const dry = await client.run(['create', '-n', jsNs, '--dry-run=client', '-o', 'json', ...json]);
    expect(dry.code, dry.stderr).to.equal(0);
    // `create -f -o json` prints the server's answer as sent (`create <kind> -o json` would print
    // it through kubectl's Go types, adding their empty structs): `get` reads the other one.
    const created = await client.run(['create', '-n', jsNs, '-o', 'json', '-f', '-'], dry.stdout);
    const got = await client.run(['get', '-n', client.ns, c.resource, pbName, '-o', 'json']);
    expect(got.code, got.stderr).to.equal(0);
    expect(created.code, `create -f of ${json.join(' ')}: ${created.stderr}`).to.equal(0);
    const stored = (out: string, n: string) =>
      comparable(JSON.parse(out) as Record<string, unknown>, n);
    expect(stored(got.stdout, pbName), `kubectl ${client.ns}: ${c.args.join(' ')}`).to.deep.equal(
      stored(created.stdout, jsName),
    );
  }

  /** Runs `cases` with `client`, two at a time (kubectl start-up dominates, on two cores). */
  async function allCases(client: Client, cases: Case[] = CASES): Promise<void> {
    for (const ns of [client.ns, `${client.ns}js`])
      expect((await client.run(['create', 'ns', ns])).code).to.equal(0);
    const queue = cases.map((c) => () => roundTrip(c, CASES.indexOf(c) + 1, client));
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await next();
      }),
    );
  }

  it('stores from each kubectl 1.33 protobuf request the object its JSON form gives', async () => {
    await allCases({ ns: 'pb', run: (args, input) => kubectl(args, input) });
  });

  const found = machineKubectl();
  const machine = found && { bin: found.path, version: found.version };
  it(`does the same with the machine's kubectl (${machine?.version ?? 'absent'}) for one of each kind`, async function () {
    if (!machine) this.skip();
    const oneOfEach = CASES.filter(
      (c, i) => CASES.findIndex((d) => d.resource === c.resource) === i,
    );
    await allCases(
      {
        ns: 'pb32',
        run: (args, input) =>
          run(args, {
            kubeconfigPath: f.kubeconfigPath,
            bin: machine!.bin,
            ...(input !== undefined ? { input } : {}),
          }),
      },
      oneOfEach,
    );
  });

  it('keeps what kubectl put in the protobuf body: data, types, ports, rules, selectors', async () => {
    type Obj = { kind: string; metadata: { name: string; generation?: number }; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const all = await kubectl([
      'get',
      '-n',
      'pb',
      'secret,cm,sa,deploy,svc,role,pdb',
      '-o',
      'json',
    ]);
    const items = (JSON.parse(all.stdout) as { items: Obj[] }).items;
    const short: Record<string, string> = {
      cm: 'configmap',
      sa: 'serviceaccount',
      pdb: 'poddisruptionbudget',
    };
    // One list for every lookup: kubectl start-up is the cost.
    const get = async ([kind, name]: string[]): Promise<Obj> => {
      const [k, n] = name === undefined ? kind!.split('/') : [kind!, name];
      const found = items.find(
        (o) => o.kind.toLowerCase() === (short[k!] ?? k) && o.metadata.name === n,
      );
      expect(found, `${k}/${n}`).to.not.equal(undefined);
      return Promise.resolve(found!);
    };
    const secret = await get(['secret', 'obj2-pb']);
    expect(Buffer.from(secret.data.url as string, 'base64').toString()).to.equal('postgres://db/x');
    expect((await get(['secret', 'obj3-pb'])).type).to.equal('kubernetes.io/tls');
    const docker = await get(['secret', 'obj4-pb']);
    expect(docker.type).to.equal('kubernetes.io/dockerconfigjson');
    const auths = JSON.parse(Buffer.from(docker.data['.dockerconfigjson'], 'base64').toString());
    expect(auths.auths['registry.example.com'].username).to.equal('u');
    const deploy = await get(['deployment', 'obj8-pb']);
    expect(deploy.spec.replicas).to.equal(0);
    expect(deploy.spec.template.spec.containers[0].ports).to.deep.equal([{ containerPort: 8080 }]);
    const nodePort = await get(['service', 'obj11-pb']);
    expect(nodePort.spec.ports[0]).to.include({ port: 80, targetPort: 8080, nodePort: 30080 });
    expect((await get(['service', 'obj10-pb'])).spec.clusterIP).to.equal('None');
    const role = await get(['role', 'obj14-pb']);
    expect(role.rules[0]).to.deep.include({ resourceNames: ['x'], verbs: ['get', 'list'] });
    const pdb = await get(['pdb', 'obj19-pb']);
    expect(pdb.spec.minAvailable).to.equal('50%');
    expect(pdb.metadata.generation).to.equal(1);
    const blob = await get(['cm', 'obj7-pb']);
    expect(Buffer.from(blob.binaryData.blob, 'base64')).to.deep.equal(
      Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]),
    );
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
