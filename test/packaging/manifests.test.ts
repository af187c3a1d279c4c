/**
 * The kustomize base (`manifests/`) rendered by the real kubectl 1.33, and the
 * Dockerfile read as text (no Docker engine where the tests run). DESIGN section 9.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { packageRoot } from '../../src/api/index.js';
import { kubectlPath } from '../support/kubectl.js';

const run = promisify(execFile);
const ROOT = packageRoot();
const NAMESPACE = 'schema-operator-system';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  rules?: PolicyRule[];
  [key: string]: unknown;
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
  };
}

interface Deployment {
  spec: {
    replicas: number;
    template: {
      spec: {
        serviceAccountName: string;
        securityContext?: {
          runAsNonRoot?: boolean;
          runAsUser?: number;
          seccompProfile?: { type: string };
        };
        topologySpreadConstraints?: { topologyKey: string }[];
        containers: Container[];
      };
    };
  };
}

/** `kubectl kustomize manifests/` parsed into objects. */
async function render(): Promise<Rendered[]> {
  const { stdout } = await run(await kubectlPath(), ['kustomize', join(ROOT, 'manifests')], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout).map((d) => d.toJS() as Rendered);
}

/** Kubernetes quantities as bytes, for the units the manifests use. */
function bytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unexpected quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 ** 3 : 1024 ** 2);
}

function one(objects: Rendered[], kind: string, name: string): Rendered {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found, `${kind}/${name}`).to.have.length(1);
  return found[0]!;
}

describe('manifests/ (kubectl apply -k)', function () {
  this.timeout(60_000);
  let objects: Rendered[];

  before(async () => {
    objects = await render();
  });

  it('renders exactly the expected objects', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).to.deep.equal(
      [
        'ClusterRole/schema-operator',
        'ClusterRole/schema-operator-secrets-reader',
        'ClusterRoleBinding/schema-operator',
        'ClusterRoleBinding/schema-operator-secrets-reader',
        'CustomResourceDefinition/organizationclasses.schema.streamspace.io',
        'CustomResourceDefinition/organizations.schema.streamspace.io',
        'CustomResourceDefinition/schemamigrations.schema.streamspace.io',
        'Deployment/schema-operator',
        'Namespace/schema-operator-system',
        'Role/schema-operator-leader-election',
        'RoleBinding/schema-operator-leader-election',
        'Service/schema-operator-metrics',
        'ServiceAccount/schema-operator',
        'ValidatingAdmissionPolicy/schema-operator',
        'ValidatingAdmissionPolicyBinding/schema-operator',
      ].sort(),
    );
  });

  it('puts every namespaced object in schema-operator-system', () => {
    const namespaced = ['Deployment', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'];
    for (const o of objects.filter((x) => namespaced.includes(x.kind))) {
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).to.equal(NAMESPACE);
    }
  });

  it('carries CRDs equal to crds/, the one source', () => {
    const dir = join(ROOT, 'crds');
    const sources = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    const rendered = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(rendered).to.have.length(sources.length);
    for (const file of sources) {
      const source = parse(readFileSync(join(dir, file), 'utf8')) as Rendered;
      expect(one(objects, 'CustomResourceDefinition', source.metadata.name), file).to.deep.equal(
        source,
      );
    }
  });

  it('keeps manifests/crds/ a byte-for-byte copy of crds/', () => {
    const copies = readdirSync(join(ROOT, 'manifests', 'crds')).sort();
    expect(copies).to.deep.equal(
      readdirSync(join(ROOT, 'crds'))
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    );
    for (const file of copies) {
      expect(readFileSync(join(ROOT, 'manifests', 'crds', file), 'utf8'), file).to.equal(
        readFileSync(join(ROOT, 'crds', file), 'utf8'),
      );
    }
  });

  it('grants no RBAC rule with a `*` in its groups, resources or verbs', () => {
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    for (const role of roles) {
      for (const rule of role.rules ?? []) {
        const all = [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs];
        expect(all, `${role.kind}/${role.metadata.name}`).not.to.satisfy((xs: string[]) =>
          xs.some((x) => x.includes('*')),
        );
        expect(rule.nonResourceURLs, `${role.kind}/${role.metadata.name}`).to.equal(undefined);
      }
    }
  });

  /** Every (group, resource) → verbs a role grants, for a table-driven comparison. */
  function grants(role: Rendered): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const rule of role.rules ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          const key = group === '' ? resource : `${group}/${resource}`;
          out[key] = [...(out[key] ?? []), ...rule.verbs].sort();
        }
      }
    }
    return out;
  }

  /** The verbs on the kinds an OrganizationClass puts in an organization's namespace. */
  const MANAGED = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

  it('grants the cluster-wide ClusterRole exactly what the controllers use', () => {
    const g = 'schema.streamspace.io';
    expect(grants(one(objects, 'ClusterRole', 'schema-operator'))).to.deep.equal({
      [`${g}/organizations`]: ['list', 'patch', 'watch'],
      [`${g}/organizations/status`]: ['patch'],
      [`${g}/schemamigrations`]: ['get', 'list', 'watch'],
      [`${g}/schemamigrations/status`]: ['patch'],
      namespaces: ['create', 'delete', 'list', 'patch', 'watch'],
      pods: ['list', 'patch', 'watch'],
      configmaps: ['get', 'list', 'watch'],
      'events.k8s.io/events': ['create', 'patch'],
      [`${g}/organizationclasses`]: ['get', 'list', 'update', 'watch'],
      [`${g}/organizationclasses/status`]: ['patch'],
      resourcequotas: MANAGED,
      limitranges: MANAGED,
      'networking.k8s.io/networkpolicies': MANAGED,
      'rbac.authorization.k8s.io/rolebindings': MANAGED,
      'rbac.authorization.k8s.io/clusterroles': ['bind'],
    });
  });

  it('lets the operator get Secrets, and list and watch them (metadata-only), from a role of its own', () => {
    expect(grants(one(objects, 'ClusterRole', 'schema-operator-secrets-reader'))).to.deep.equal({
      secrets: ['get', 'list', 'watch'],
    });
  });

  it('grants Leases only in the operator namespace', () => {
    const role = one(objects, 'Role', 'schema-operator-leader-election');
    expect(role.metadata.namespace).to.equal(NAMESPACE);
    expect(grants(role)).to.deep.equal({
      'coordination.k8s.io/leases': ['create', 'get', 'update'],
    });
  });

  it('binds every role to the operator ServiceAccount and nothing else', () => {
    const bindings = objects.filter((o) => o.kind.endsWith('RoleBinding'));
    expect(bindings).to.have.length(3);
    for (const b of bindings) {
      const subjects = (b as { subjects?: unknown }).subjects;
      expect(subjects, `${b.kind}/${b.metadata.name}`).to.deep.equal([
        { kind: 'ServiceAccount', name: 'schema-operator', namespace: NAMESPACE },
      ]);
    }
  });

  describe('the Deployment', () => {
    let deployment: Deployment;
    let container: Container;

    before(() => {
      deployment = one(objects, 'Deployment', 'schema-operator') as unknown as Deployment;
      expect(deployment.spec.template.spec.containers).to.have.length(1);
      container = deployment.spec.template.spec.containers[0]!;
    });

    it('runs 2 replicas as the operator ServiceAccount', () => {
      expect(deployment.spec.replicas).to.equal(2);
      expect(deployment.spec.template.spec.serviceAccountName).to.equal('schema-operator');
    });

    it('elects a leader with a Lease in its own namespace, from the downward API', () => {
      expect(container.args).to.include('run');
      expect(container.args).to.include('--lease-namespace=$(POD_NAMESPACE)');
      expect(container.args).not.to.include('--no-leader-elect');
      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
      expect(env['POD_NAMESPACE']?.valueFrom?.fieldRef?.fieldPath).to.equal('metadata.namespace');
      expect(env['POD_NAME']?.valueFrom?.fieldRef?.fieldPath).to.equal('metadata.name');
    });

    it('runs non-root on a read-only root filesystem with no capabilities', () => {
      const pod = deployment.spec.template.spec.securityContext;
      expect(pod?.runAsNonRoot).to.equal(true);
      expect(pod?.runAsUser).to.be.above(0);
      expect(pod?.seccompProfile).to.deep.equal({ type: 'RuntimeDefault' });
      const sc = container.securityContext;
      expect(sc?.runAsNonRoot).to.equal(true);
      expect(sc?.readOnlyRootFilesystem).to.equal(true);
      expect(sc?.allowPrivilegeEscalation).to.equal(false);
      expect(sc?.capabilities).to.deep.equal({ drop: ['ALL'] });
      expect(sc?.seccompProfile).to.deep.equal({ type: 'RuntimeDefault' });
    });

    it('probes /healthz for liveness and /readyz for readiness on port 8080', () => {
      expect(container.ports).to.deep.include({
        name: 'http',
        containerPort: 8080,
        protocol: 'TCP',
      });
      expect(container.livenessProbe?.httpGet).to.deep.equal({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe?.httpGet).to.deep.equal({ path: '/readyz', port: 'http' });
    });

    it('sets requests and limits, with the V8 heap sized under the memory limit', () => {
      const r = container.resources;
      expect(r?.requests?.cpu).to.be.a('string');
      expect(r?.requests?.memory).to.be.a('string');
      expect(r?.limits?.memory).to.be.a('string');
      const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
      const m = /--max-old-space-size=(\d+)/.exec(nodeOptions);
      expect(m, nodeOptions).not.to.equal(null);
      const heap = Number(m![1]) * 1024 ** 2;
      // Node needs room outside the heap (code, buffers, the client): at most 3/4 of the limit.
      expect(heap).to.be.at.most(bytes(r!.limits!.memory!) * 0.75);
      expect(bytes(r!.requests!.memory!)).to.be.at.most(bytes(r!.limits!.memory!));
    });

    it('caps the V8 young generation, as the fleet benchmark measured (docs/benchmarks.md)', () => {
      const nodeOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
      expect(nodeOptions.split(' ')).to.include('--max-semi-space-size=2');
    });

    it('spreads its replicas over nodes', () => {
      const keys = (deployment.spec.template.spec.topologySpreadConstraints ?? []).map(
        (c) => c.topologyKey,
      );
      expect(keys).to.include('kubernetes.io/hostname');
    });
  });

  it('serves metrics on port 8080 from a Service selecting the operator pods', () => {
    const svc = one(objects, 'Service', 'schema-operator-metrics') as unknown as {
      spec: { selector: Record<string, string>; ports: { port: number; targetPort: unknown }[] };
    };
    expect(svc.spec.ports.map((p) => p.port)).to.deep.equal([8080]);
    const deployment = one(objects, 'Deployment', 'schema-operator') as unknown as {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(deployment.spec.template.metadata.labels).to.include(svc.spec.selector);
  });
});

describe('the overlay of docs/install.md', () => {
  it('renders the base with the image it names', async function () {
    this.timeout(60_000);
    const doc = readFileSync(join(ROOT, 'docs', 'install.md'), 'utf8');
    const m = /```yaml\n# my-install\/kustomization\.yaml\n([\s\S]*?)```/.exec(doc);
    expect(m, 'the overlay block in docs/install.md').not.to.equal(null);
    // A sibling of manifests/, so the doc's `../manifests` resolves as written.
    const dir = mkdtempSync(join(ROOT, '.my-install-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), m![1]!);
      const { stdout } = await run(await kubectlPath(), ['kustomize', dir], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const objects = parseAllDocuments(stdout).map((d) => d.toJS() as Rendered);
      const deployment = one(objects, 'Deployment', 'schema-operator') as unknown as Deployment;
      expect(deployment.spec.template.spec.containers[0]!.image).to.equal(
        'registry.example.com/streamspace/schema-operator:0.1.0',
      );
      expect(objects).to.have.length(15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the overlay of docs/install.md that changes the bindable ClusterRoles', () => {
  it('changes the bind rule and the flag together', async function () {
    this.timeout(60_000);
    const doc = readFileSync(join(ROOT, 'docs', 'install.md'), 'utf8');
    const m = /```yaml\n# my-install\/kustomization\.yaml, allowing only view\n([\s\S]*?)```/.exec(
      doc,
    );
    expect(m, 'the bindable ClusterRoles overlay in docs/install.md').not.to.equal(null);
    const dir = mkdtempSync(join(ROOT, '.my-install-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), m![1]!);
      const { stdout } = await run(await kubectlPath(), ['kustomize', dir], {
        maxBuffer: 16 * 1024 * 1024,
      });
      const objects = parseAllDocuments(stdout).map((d) => d.toJS() as Rendered);
      const role = one(objects, 'ClusterRole', 'schema-operator');
      const binds = (role.rules ?? []).filter((r) => r.verbs.includes('bind'));
      expect(binds).to.deep.equal([
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['clusterroles'],
          verbs: ['bind'],
          resourceNames: ['view'],
        },
      ]);
      const deployment = one(objects, 'Deployment', 'schema-operator') as unknown as Deployment;
      const args = deployment.spec.template.spec.containers[0]!.args ?? [];
      expect(args.filter((a) => a.startsWith('--bindable-cluster-roles'))).to.deep.equal([
        '--bindable-cluster-roles=view',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages = lines.reduce<string[][]>((acc, line) => {
    if (/^FROM /i.test(line)) acc.push([]);
    acc.at(-1)?.push(line);
    return acc;
  }, []);
  const final = stages.at(-1) ?? [];

  it('builds in one stage and runs from another, both on Node 24', () => {
    expect(stages.length).to.be.at.least(2);
    for (const stage of stages) expect(stage[0]).to.match(/^FROM node:24[-.\w]*( AS \w+)?$/i);
    expect(stages[0]).to.include('RUN npx tsc -p tsconfig.json');
    expect(stages[0]!.some((l) => /^RUN npm ci\b/.test(l))).to.equal(true);
  });

  it('installs only production dependencies in the final stage', () => {
    expect(final).to.include('RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force');
    expect(final.filter((l) => /npm (ci|install)/.test(l))).to.have.length(1);
  });

  it('copies the compiled operator, the bundled migrations and the CRDs', () => {
    expect(final).to.include('COPY --from=build /app/dist/src ./dist/src');
    expect(final).to.include('COPY migrations ./migrations');
    expect(final).to.include('COPY crds ./crds');
  });

  it('runs as a non-root user with `schema-operator run` as the entry point', () => {
    const users = final.filter((l) => l.startsWith('USER '));
    expect(users).to.have.length(1);
    expect(users[0]).not.to.match(/^USER (root|0)(:|$)/);
    // The Deployment's runAsUser matches the image's user.
    expect(users[0]).to.equal('USER 1000:1000');
    expect(final).to.include('ENTRYPOINT ["node", "dist/src/cli/main.js"]');
    expect(final).to.include('CMD ["run"]');
  });

  it('keeps node_modules and dist out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).to.include.members(['node_modules', 'dist', '.git']);
  });
});
