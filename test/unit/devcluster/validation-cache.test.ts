import { expect } from 'chai';
import { cachedRegexEngine } from '../../../src/devcluster/schema/cel-regex.js';
import { useDevCluster } from '../../support/devcluster.js';
import { call } from '../../support/http-client.js';

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const CODES = '/apis/example.com/v1/namespaces/default/codes';

/** A CRD whose one rule requires spec.code to match `pattern`. */
function crdWith(pattern: string, resourceVersion?: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'codes.example.com', ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'codes', singular: 'code', kind: 'Code' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { code: { type: 'string' } },
                  'x-kubernetes-validations': [{ rule: `self.code.matches('${pattern}')` }],
                },
              },
            },
          },
        },
      ],
    },
  };
}

describe('the CEL regex engine', () => {
  it('compiles a pattern once and answers as RE2 does', () => {
    const re2 = cachedRegexEngine();
    const m = re2.compile('^a+$');
    expect(re2.compile('^a+$')).to.equal(m);
    expect(m.test('aaa')).to.equal(true);
    expect(m.test('ab')).to.equal(false);
    expect(re2.compile('^b+$').test('aaa')).to.equal(false);
  });

  it('drops the oldest pattern past its size', () => {
    const re2 = cachedRegexEngine(2);
    const first = re2.compile('a');
    re2.compile('b');
    re2.compile('c');
    expect(re2.size).to.equal(2);
    expect(re2.compile('a')).not.to.equal(first);
  });

  it('keeps no pattern that does not compile: it fails every time', () => {
    const re2 = cachedRegexEngine();
    expect(() => re2.compile('(')).to.throw();
    expect(() => re2.compile('(')).to.throw();
    expect(re2.size).to.equal(0);
  });
});

describe('compiled CEL rules after a CRD change', () => {
  const f = useDevCluster();
  const req = (method: string, path: string, body?: unknown) => call(f.url, method, path, body);
  const create = (name: string, code: string) =>
    req('POST', CODES, {
      apiVersion: 'example.com/v1',
      kind: 'Code',
      metadata: { name },
      spec: { code },
    });

  it('validate with the rule the CRD has now, not the one it had', async () => {
    expect((await req('POST', CRDS, crdWith('^a+$'))).status).to.equal(201);
    expect((await create('a1', 'aaa')).status).to.equal(201);
    expect((await create('b1', 'bbb')).status).to.equal(422);
    const rv = (await req('GET', `${CRDS}/codes.example.com`)).body.metadata.resourceVersion;
    expect((await req('PUT', `${CRDS}/codes.example.com`, crdWith('^b+$', rv))).status).to.equal(
      200,
    );
    expect((await create('b2', 'bbb')).status).to.equal(201);
    const refused = await create('a2', 'aaa');
    expect(refused.status).to.equal(422);
    expect(refused.body.message).to.include("failed rule: self.code.matches('^b+$')");
  });
});
