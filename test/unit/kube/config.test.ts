import { expect } from 'chai';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import nock from 'nock';
import { stringify } from 'yaml';
import { kubeConfig, KubeConfigError } from '../../../src/kube/config.js';
import { credentialSource } from '../../../src/kube/credentials.js';
import { TooManyRequestsError, UnavailableError } from '../../../src/kube/errors.js';
import { KubeTransport } from '../../../src/kube/transport.js';
import { useDevCluster } from '../../support/devcluster.js';
import { failure, wireApi, WIRE_SERVER } from '../../support/wire-api.js';

const tlsDir = fileURLToPath(new URL('../../../../test/fixtures/tls/', import.meta.url));
const pem = (f: string) => readFileSync(join(tlsDir, f));

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'kubecfg-'));
}

function write(d: string, name: string, doc: object): string {
  const p = join(d, name);
  writeFileSync(p, stringify(doc));
  return p;
}

function config(server: string, user: object, extra: object = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, ...extra } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'team-a' } }],
    'current-context': 'ctx',
  };
}

describe('kube configuration', () => {
  it('merges KUBECONFIG files as kubectl does: the first file to name an entry wins', async () => {
    const d = dir();
    const a = write(d, 'a', {
      clusters: [{ name: 'c', cluster: { server: 'http://first:1/' } }],
      users: [{ name: 'u', user: { token: 'first' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    });
    const b = write(d, 'b', {
      ...config('http://second:2', { token: 'second' }),
      'current-context': 'ctx',
    });
    const c = kubeConfig({ env: { KUBECONFIG: `${a}:${b}` }, home: '/nonexistent' });
    expect(c.server).to.equal('http://first:1');
    expect(await c.credentials.headers()).to.deep.equal({ Authorization: 'Bearer first' });
  });

  it('reads the context namespace, basic auth and impersonation', async () => {
    const p = write(
      dir(),
      'config',
      config('http://h:1', { username: 'al', password: 'pw', as: 'bob' }),
    );
    const c = kubeConfig({ kubeconfigPath: p });
    expect(c.namespace).to.equal('team-a');
    expect(await c.credentials.headers()).to.deep.equal({
      Authorization: `Basic ${Buffer.from('al:pw').toString('base64')}`,
      'Impersonate-User': 'bob',
    });
  });

  it('resolves certificate and token paths against the kubeconfig file, and inline data wins', () => {
    const d = dir();
    writeFileSync(join(d, 'ca.crt'), pem('server.crt'));
    const p = write(
      d,
      'config',
      config(
        'https://h:1',
        {
          'client-certificate': 'nope.crt',
          'client-certificate-data': pem('client.crt').toString('base64'),
        },
        { 'certificate-authority': 'ca.crt', 'tls-server-name': 'localhost' },
      ),
    );
    const tls = kubeConfig({ kubeconfigPath: p }).tls();
    expect(tls.ca?.equals(pem('server.crt'))).to.equal(true);
    expect(tls.cert?.equals(pem('client.crt'))).to.equal(true);
    expect(tls.servername).to.equal('localhost');
    expect(tls.rejectUnauthorized).to.equal(undefined);
  });

  const bad: Array<[string, object, RegExp]> = [
    // Each message names the kubeconfig file (checked below) and the field.
    ['a proxy', config('http://h:1', {}, { 'proxy-url': 'http://proxy:3128' }), /uses proxy-url/],
    [
      'no current context',
      { ...config('http://h:1', {}), 'current-context': '' },
      /sets no current-context/,
    ],
    [
      'an undefined current context',
      { ...config('http://h:1', {}), 'current-context': 'gone' },
      /current-context gone is not defined/,
    ],
    [
      'a missing CA file',
      config('https://h:1', {}, { 'certificate-authority': 'missing.crt' }),
      /missing\.crt/,
    ],
    ['no server', config('', {}), /names no cluster server/],
    ['a list that is not one', { clusters: 'x', 'current-context': 'c' }, /clusters is not a list/],
  ];
  for (const [what, doc, message] of bad) {
    it(`refuses a kubeconfig with ${what}, naming the file`, () => {
      const p = write(dir(), 'config', doc);
      expect(() => kubeConfig({ kubeconfigPath: p })).to.throw(KubeConfigError, message);
      if (!/no server/.test(what)) expect(() => kubeConfig({ kubeconfigPath: p })).to.throw(p);
    });
  }

  it('names the file and the line when the kubeconfig is not YAML', () => {
    const p = join(dir(), 'config');
    writeFileSync(p, 'clusters: [\n');
    expect(() => kubeConfig({ kubeconfigPath: p })).to.throw(KubeConfigError, p);
  });

  it('in a pod, uses the service account and brackets an IPv6 service host', async () => {
    const sa = dir();
    writeFileSync(join(sa, 'token'), 'sa-token\n');
    writeFileSync(join(sa, 'namespace'), 'ops');
    writeFileSync(join(sa, 'ca.crt'), pem('server.crt'));
    const c = kubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' },
      serviceAccountDir: sa,
    });
    expect(c.server).to.equal('https://[fd00::1]:6443');
    expect(c.namespace).to.equal('ops');
    expect(c.tls().ca?.equals(pem('server.crt'))).to.equal(true);
    expect(await c.credentials.headers()).to.deep.equal({ Authorization: 'Bearer sa-token' });
    expect(() =>
      kubeConfig({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, serviceAccountDir: dir() }),
    ).to.throw(KubeConfigError, /is a service account token mounted/);
  });

  it('re-reads a token file once a minute, so a rotated token is used', async () => {
    const d = dir();
    const tokenFile = join(d, 'token');
    writeFileSync(tokenFile, 'one');
    let now = 0;
    const src = credentialSource({ tokenFile }, { where: 'test' }, () => now);
    expect((await src.headers()).Authorization).to.equal('Bearer one');
    writeFileSync(tokenFile, 'two');
    now = 59_000;
    expect((await src.headers()).Authorization).to.equal('Bearer one');
    now = 60_000;
    expect((await src.headers()).Authorization).to.equal('Bearer two');
  });

  it('runs an exec credential plugin through client-node', async () => {
    try {
      const seen = wireApi(() => [200, { kind: 'Namespace' }]);
      const credential = JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token: 'from-plugin' },
      });
      const p = write(
        dir(),
        'config',
        config(
          WIRE_SERVER,
          {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: process.execPath,
              args: ['-e', `console.log(${JSON.stringify(credential)})`],
              interactiveMode: 'Never',
            },
          },
          { 'insecure-skip-tls-verify': true },
        ), // client-node refuses plain HTTP without it
      );
      await new KubeTransport(kubeConfig({ kubeconfigPath: p })).request({
        method: 'GET',
        path: '/api/v1/namespaces/x',
        what: 'getting namespaces x',
      });
      expect(seen[0]!.headers.authorization as string).to.equal('Bearer from-plugin');
    } finally {
      nock.cleanAll();
    }
  });
});

describe('kube transport over TLS', () => {
  let server: Server;
  let url = '';
  let peer: string | undefined;
  before(async () => {
    server = createServer(
      {
        key: pem('server.key'),
        cert: pem('server.crt'),
        ca: pem('client.crt'),
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const cert = (req.socket as TLSSocket).getPeerCertificate();
        peer = String(cert?.subject?.CN);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', auth: req.headers.authorization ?? null }));
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => (peer = undefined));

  const get = (c: ReturnType<typeof kubeConfig>) =>
    new KubeTransport(c).request<{ auth: string | null }>({
      method: 'GET',
      path: '/version',
      what: 'getting the version',
    });

  it('trusts the kubeconfig CA and presents the client certificate', async () => {
    const d = dir();
    writeFileSync(join(d, 'client.key'), pem('client.key'));
    const p = write(
      d,
      'config',
      config(
        url,
        {
          'client-certificate-data': pem('client.crt').toString('base64'),
          'client-key': 'client.key',
        },
        { 'certificate-authority-data': pem('server.crt').toString('base64') },
      ),
    );
    expect(await get(kubeConfig({ kubeconfigPath: p }))).to.deep.include({ auth: null });
    expect(peer).to.equal('test-user');
  });

  it('refuses a server its CA does not vouch for, unless told to skip verification', async () => {
    const p = write(dir(), 'config', config(url, { token: 't' }));
    const err = await failure(get(kubeConfig({ kubeconfigPath: p })));
    expect(err.message).to.match(/while getting the version: .*self-signed certificate/);
    const skip = write(
      dir(),
      'config',
      config(url, { token: 't' }, { 'insecure-skip-tls-verify': true }),
    );
    expect(await get(kubeConfig({ kubeconfigPath: skip }))).to.deep.include({ auth: 'Bearer t' });
  });
});

describe('kube transport timeouts', () => {
  const cluster = useDevCluster();

  it('gives up on a server that does not answer in time, as unavailable', async () => {
    cluster.dc.faults.delay(1_000);
    const t = new KubeTransport(
      {
        server: cluster.url,
        tls: () => ({}),
        credentials: credentialSource({}, { where: 'test' }),
      },
      { requestTimeoutMs: 200 },
    );
    const err = await failure(
      t.request({ method: 'GET', path: '/api/v1/pods', what: 'listing pods' }),
    );
    expect(err).to.be.instanceOf(UnavailableError);
    expect(err.message).to.equal(`while listing pods: ETIMEDOUT (${cluster.url})`);
  });
});

describe('kube transport error paths', () => {
  const server = 'http://api.invalid:6443';
  const transport = () =>
    new KubeTransport(
      {
        server,
        tls: () => ({}),
        credentials: credentialSource({ token: 'secret-token' }, { where: 'test' }),
      },
      { requestTimeoutMs: 200 },
    );
  const get = (t: KubeTransport) =>
    t.request({ method: 'GET', path: '/api/v1/pods', what: 'listing pods' });
  before(() => nock.disableNetConnect());
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => nock.cleanAll());

  it('turns a connection reset into an UnavailableError naming the call and the server', async () => {
    nock(server)
      .get('/api/v1/pods')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const err = await failure(get(transport()));
    expect(err).to.be.instanceOf(UnavailableError);
    expect(err.message).to.equal(`while listing pods: ECONNRESET (${server})`);
  });

  it('reads Retry-After from a 429, and never puts the token in the message', async () => {
    nock(server)
      .get('/api/v1/pods')
      .matchHeader('authorization', 'Bearer secret-token')
      .reply(429, { kind: 'Status', message: 'slow down' }, { 'Retry-After': '3' });
    const err = await failure(get(transport()));
    expect(err).to.be.instanceOf(TooManyRequestsError);
    expect((err as TooManyRequestsError).retryAfterMs).to.equal(3000);
    expect(err.message).to.equal('while listing pods: slow down');
    expect(JSON.stringify(err)).not.to.include('secret-token');
  });

  it('treats a watch body cut mid-stream as a failure, delivering the lines before it', async () => {
    nock(server)
      .get('/api/v1/pods')
      .query(true)
      .reply(200, () => {
        return new Readable({
          read() {
            this.push('{"type":"ADDED"}\n');
            this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
          },
        });
      });
    const lines: string[] = [];
    const err = await failure(
      transport().stream(
        { method: 'GET', path: '/api/v1/pods', query: { watch: true }, what: 'watching pods' },
        (l) => lines.push(l),
      ),
    );
    expect(lines).to.deep.equal(['{"type":"ADDED"}']);
    expect(err).to.be.instanceOf(UnavailableError);
  });
});
