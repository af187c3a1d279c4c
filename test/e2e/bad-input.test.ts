import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevCluster } from '../../src/devcluster/index.js';
import { useDevCluster } from '../support/devcluster.js';
import { kubectl } from '../support/kubectl.js';
import { http, installCrds, killAll, start, within } from '../support/spawned.js';

/** A port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

const kubeconfigFor = (server: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- {name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}`,
    'users:',
    '- {name: u, user: {}}',
    'contexts:',
    '- {name: c, context: {cluster: c, user: u}}',
    'current-context: c',
    '',
  ].join('\n');

/** The lines a process printed, without blank ones. */
const lines = (s: string): string[] => s.split('\n').filter((l) => l.trim() !== '');

describe('schema-operator run with a bad kubeconfig or an unreachable API', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'schema-operator-badinput-'))));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const run = (kubeconfig: string, extra: string[] = []) =>
    start(['run', '--kubeconfig', kubeconfig, '--bind-address', '127.0.0.1:0', ...extra]);

  const cases: Array<[string, () => string, string[], RegExp]> = [
    [
      'a kubeconfig that does not exist',
      () => '/nonexistent/kubeconfig',
      [],
      /^error: kubeconfig \/nonexistent\/kubeconfig does not exist$/,
    ],
    [
      'a kubeconfig that is not YAML',
      () => file('garbage', 'clusters: [\n  - {name: c\n'),
      [],
      /^error: while loading the Kubernetes configuration \S+garbage: .+$/,
    ],
    [
      'a context the kubeconfig does not have',
      () => file('ctx', kubeconfigFor('http://127.0.0.1:8080')),
      ['--context', 'prod'],
      /^error: kubeconfig has no context named prod$/,
    ],
  ];
  for (const [what, path, extra, message] of cases) {
    it(`exits 2 with one line for ${what}`, async () => {
      const p = run(path(), extra);
      const exit = await within(p.exited, 15_000, 'exit');
      expect(exit.code, p.output()).to.equal(2);
      expect(lines(p.output())).to.have.length(1);
      expect(p.output().trim()).to.match(message);
    });
  }

  it('exits 3 with one line naming the server when nothing listens there', async () => {
    const port = await closedPort();
    const p = run(file('closed', kubeconfigFor(`http://127.0.0.1:${port}`)));
    const started = Date.now();
    const exit = await within(p.exited, 30_000, 'exit');
    const took = Date.now() - started;
    expect(exit.code, p.output()).to.equal(3);
    // No JSON log lines, no stack: the one error line is all.
    expect(lines(p.output()), p.output()).to.have.length(1);
    expect(p.output().trim()).to.equal(
      `error: while reaching the Kubernetes API server: connection refused (http://127.0.0.1:${port}); ` +
        `gave up after 5 tries in ${/in (\d+) s$/.exec(p.output().trim())?.[1]} s`,
    );
    // It rides out a blip (5 tries, 1 s apart) but does not loop.
    expect(took).to.be.within(3_500, 15_000);
  });

  it('starts normally when the API server comes up during the start-up retries', async () => {
    const port = await closedPort();
    const p = run(file('late', kubeconfigFor(`http://127.0.0.1:${port}`)));
    await new Promise((r) => setTimeout(r, 1_500));
    const dc = await startDevCluster({ port });
    try {
      await installCrds(dc.url);
      await p.waitFor(/"message":"schema-operator started"/, 15_000);
      p.child.kill('SIGTERM');
      expect((await within(p.exited, 10_000, 'exit')).code, p.output()).to.equal(0);
      expect(p.output()).to.not.match(/"level":"error"/);
    } finally {
      await dc.stop();
    }
  });
});

describe('devcluster answers bad requests with a Status and keeps serving', function () {
  this.timeout(60_000);
  const f = useDevCluster();
  const k = (args: string[], input?: string) =>
    kubectl(args, { kubeconfigPath: f.kubeconfigPath, ...(input !== undefined ? { input } : {}) });
  const CM = '/api/v1/namespaces/default/configmaps';
  const configMap = (name: string, data: Record<string, string> = {}) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

  before(() => installCrds(f.url));
  afterEach(async () => {
    // Whatever the last request was, the server still answers and still writes.
    const v = await k(['get', '--raw', '/version']);
    expect(v.code, v.stderr).to.equal(0);
    const name = `alive-${Date.now()}`;
    expect((await http(f.url + CM, { method: 'POST', body: configMap(name) })).status).to.equal(
      201,
    );
    await http(`${f.url}${CM}/${name}`, { method: 'DELETE' });
  });

  const kubectlCases: Array<[string, string[], string | undefined, RegExp]> = [
    [
      'a malformed JSON body',
      ['create', '--raw', CM, '-f', '-'],
      '{"metadata": {nope',
      /^Error from server \(BadRequest\): error decoding json: /,
    ],
    [
      'a resource the server does not have',
      ['get', 'widgets'],
      undefined,
      /^error: the server doesn't have a resource type "widgets"$/,
    ],
    [
      'a group the server does not have',
      ['get', '--raw', '/apis/nope.example.com/v1/widgets'],
      undefined,
      /^Error from server \(NotFound\): the server could not find the requested resource$/,
    ],
    [
      'a name that is not a DNS-1123 subdomain',
      ['create', '-f', '-'],
      configMap('Bad_Name'),
      /^The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    ],
    [
      'an object over 1.5 MiB',
      ['create', '-f', '-'],
      configMap('big', { big: 'x'.repeat(1.6 * 1024 * 1024) }),
      /^Error from server \(RequestEntityTooLarge\).*limit is 1572864 bytes$/,
    ],
    [
      'a body over 3 MiB',
      ['create', '-f', '-'],
      configMap('huge', { big: 'x'.repeat(3.5 * 1024 * 1024) }),
      /too large.*limit is 3145728/,
    ],
  ];
  for (const [what, args, input, message] of kubectlCases) {
    it(`shows kubectl a clear error for ${what}`, async () => {
      const r = await k(args, input);
      expect(r.code, r.stdout).to.equal(1);
      expect(lines(r.stderr), r.stderr).to.have.length(1);
      expect(r.stderr.trim()).to.match(message);
    });
  }

  const fetchCases: Array<[string, string, string, string | undefined, number, string, RegExp]> = [
    [
      'a malformed YAML body',
      'POST',
      CM,
      'metadata:\n  name: [unclosed\n',
      400,
      'BadRequest',
      /^error decoding yaml: /,
    ],
    [
      'a YAML body that is a list, not an object',
      'POST',
      CM,
      '- a\n- b\n',
      400,
      'BadRequest',
      /not an object/,
    ],
    [
      'a POST to an unknown core resource',
      'POST',
      '/api/v1/namespaces/default/widgets',
      configMap('w'),
      404,
      'NotFound',
      /could not find the requested resource/,
    ],
    [
      'a GET of an unknown group version',
      'GET',
      '/apis/schema.streamspace.io/v9/schemamigrations',
      undefined,
      404,
      'NotFound',
      /could not find the requested resource/,
    ],
    [
      // Custom resources have no protobuf form: kube-apiserver takes only JSON and YAML for them.
      'a protobuf body for a custom resource',
      'POST',
      '/apis/schema.streamspace.io/v1alpha1/namespaces/default/schemamigrations',
      'k8s\u0000',
      415,
      'UnsupportedMediaType',
      /accepted media types include: application\/json, application\/yaml \(got application\/vnd\.kubernetes\.protobuf\)/,
    ],
  ];
  for (const [what, method, path, body, code, reason, message] of fetchCases) {
    it(`answers ${what} with ${code} ${reason}`, async () => {
      const type = what.includes('YAML')
        ? 'application/yaml'
        : what.includes('protobuf')
          ? 'application/vnd.kubernetes.protobuf'
          : 'application/json';
      const r = await http(f.url + path, {
        method,
        ...(body !== undefined ? { body, contentType: type } : {}),
      });
      expect(r.status, r.text).to.equal(code);
      expect(r.body).to.include({ kind: 'Status', status: 'Failure', reason, code });
      expect(r.body.message).to.match(message);
    });
  }
});
