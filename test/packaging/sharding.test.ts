/**
 * Sharding in the Helm chart (issue 9), checked with the real helm 4
 * binary: `shards` renders one Deployment per shard whose selectors and pod
 * labels keep them apart, each running `--selector` and campaigning for a
 * Lease of its own (the name the operator derives, `shardLeaseName`); the
 * single-release `selector` does the same for one shard; the values schema
 * refuses malformed shards.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { shardLeaseName } from '../../src/operator/operator.js';
import { helmPath } from '../support/kubectl.js';

const chart = join(resolve(import.meta.dirname, '..', '..', '..'), 'helm', 'schema-operator');
const SHARD_LABEL = 'schema.streamspace.io/shard';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `helm template so CHART -n ops -f values`: exit code, stderr and the rendered objects. */
async function template(
  home: string,
  values: Obj,
): Promise<{ code: number; stderr: string; objs: Obj[] }> {
  const file = join(home, `values-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(values));
  const bin = await helmPath();
  const env = { ...process.env, HOME: home, HELM_CACHE_HOME: join(home, 'cache') };
  const args = ['template', 'so', chart, '--namespace', 'ops', '-f', file];
  return new Promise((done) =>
    execFile(bin, args, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      const objs = code
        ? []
        : parseAllDocuments(stdout)
            .map((d) => d.toJS() as Obj | null)
            .filter((o): o is Obj => o !== null);
      done({ code, stderr, objs });
    }),
  );
}

const deployments = (objs: Obj[]) => objs.filter((o) => o.kind === 'Deployment');
const argsOf = (d: Obj): string[] => d.spec.template.spec.containers[0].args;
const flag = (d: Obj, name: string) =>
  argsOf(d)
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3);

/** True when every label of `selector` is on `labels`. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('sharding with the Helm chart', function () {
  this.timeout(120_000);
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'schema-operator-helm-sharding-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('renders one Deployment per shard, each selecting only its own pods', async () => {
    const { code, stderr, objs } = await template(home, {
      shards: [
        { name: 'a', selector: 'shard=a' },
        { name: 'b', selector: 'shard in (b)' },
      ],
    });
    expect(code, stderr).to.equal(0);
    const [a, b] = deployments(objs);
    expect(deployments(objs).map((d) => d.metadata.name)).to.deep.equal([
      'so-schema-operator-a',
      'so-schema-operator-b',
    ]);
    expect([flag(a!, 'selector'), flag(b!, 'selector')]).to.deep.equal(['shard=a', 'shard in (b)']);
    for (const [d, shard] of [
      [a!, 'a'],
      [b!, 'b'],
    ] as const) {
      const podLabels = d.spec.template.metadata.labels;
      expect(d.spec.selector.matchLabels[SHARD_LABEL]).to.equal(shard);
      expect(selects(d.spec.selector.matchLabels, podLabels), 'own pods').to.equal(true);
      const other = d === a ? b! : a!;
      expect(
        selects(d.spec.selector.matchLabels, other.spec.template.metadata.labels),
        "the other shard's pods",
      ).to.equal(false);
      for (const c of d.spec.template.spec.topologySpreadConstraints)
        expect(c.labelSelector.matchLabels[SHARD_LABEL]).to.equal(shard);
    }
    // The metrics Service still reaches every shard's pods.
    const service = objs.find((o) => o.kind === 'Service')!;
    for (const d of [a!, b!])
      expect(selects(service.spec.selector, d.spec.template.metadata.labels)).to.equal(true);
  });

  it('gives each shard a Lease of its own while the lease name is the default', async () => {
    const { objs } = await template(home, {
      shards: [
        { name: 'a', selector: 'shard=a' },
        { name: 'b', selector: 'shard=b' },
        { name: 'rest', selector: 'shard notin (a,b)' },
      ],
    });
    const leases = deployments(objs).map((d) =>
      shardLeaseName(flag(d, 'lease-name')!, flag(d, 'selector')),
    );
    expect(new Set(leases).size).to.equal(3);
    expect(leases[0]).to.match(/^schema-operator-shard-a-[0-9a-f]{8}$/);
    expect(leases).to.not.include('schema-operator');
  });

  it('runs one shard per release with `selector`, on a Lease derived from it', async () => {
    const { objs } = await template(home, { selector: 'shard=b' });
    const [d] = deployments(objs);
    expect(deployments(objs)).to.have.length(1);
    expect(d!.metadata.name).to.equal('so-schema-operator');
    expect(d!.spec.selector.matchLabels).to.not.have.property(SHARD_LABEL);
    expect(flag(d!, 'selector')).to.equal('shard=b');
    expect(shardLeaseName(flag(d!, 'lease-name')!, 'shard=b')).to.match(
      /^schema-operator-shard-b-/,
    );
  });

  it('keeps an explicit lease name as given', () => {
    expect(shardLeaseName('so-shard-a', 'shard=a')).to.equal('so-shard-a');
    expect(shardLeaseName('schema-operator', undefined)).to.equal('schema-operator');
    expect(shardLeaseName('schema-operator', 'shard=a')).to.not.equal(
      shardLeaseName('schema-operator', 'shard!=a'),
    );
    expect(shardLeaseName('schema-operator', 'shard in (a, b)')).to.equal(
      shardLeaseName('schema-operator', ' shard in(a,b) '),
    );
  });

  /** [what, shards, what helm must name] */
  const bad: Array<[string, Obj[], RegExp]> = [
    ['a shard without a selector', [{ name: 'a' }], /selector/],
    ['a shard with an empty selector', [{ name: 'a', selector: '' }], /selector/],
    ['a shard name that is not a DNS label', [{ name: 'Shard_A', selector: 'x=y' }], /name/],
    ['an unknown key in a shard', [{ name: 'a', selector: 'x=y', lease: 'l' }], /lease/],
  ];
  for (const [what, shards, named] of bad) {
    it(`refuses ${what} through the values schema`, async () => {
      const res = await template(home, { shards });
      expect(res.code).to.not.equal(0);
      expect(res.stderr).to.match(/schema/);
      expect(res.stderr).to.match(named);
    });
  }
});
