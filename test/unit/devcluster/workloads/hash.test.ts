import { expect } from 'chai';
import {
  fnv32a,
  HASH_LABEL,
  podTemplateHash,
  sameTemplate,
} from '../../../../src/devcluster/workloads/hash.js';

describe('devcluster pod-template-hash', () => {
  const template = (image: string, extra: object = {}) => ({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'app', image }] },
    ...extra,
  });

  it('computes FNV-1a 32 as its reference values', () => {
    expect(fnv32a('')).to.equal(0x811c9dc5);
    expect(fnv32a('a')).to.equal(0xe40c292c);
    expect(fnv32a('foobar')).to.equal(0xbf9cf968);
  });

  it('spells the hash in the letters of generated names', () => {
    expect(podTemplateHash(template('v1'))).to.match(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it('hashes equal templates equally whatever their key order', () => {
    const a = {
      spec: { containers: [{ image: 'v1', name: 'app' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(podTemplateHash(a)).to.equal(podTemplateHash(template('v1')));
  });

  it('hashes another image differently', () => {
    expect(podTemplateHash(template('v2'))).to.not.equal(podTemplateHash(template('v1')));
  });

  it('hashes differently after a collision', () => {
    expect(podTemplateHash(template('v1'), 1)).to.not.equal(podTemplateHash(template('v1')));
  });

  it('sees a template with the hash label, nulls and empty objects as the same', () => {
    const stored = {
      metadata: { labels: { app: 'web', [HASH_LABEL]: 'abc' } },
      spec: { containers: [{ name: 'app', image: 'v1' }] },
    };
    const sentBack = {
      metadata: { labels: { app: 'web' }, creationTimestamp: null },
      spec: { containers: [{ name: 'app', image: 'v1', resources: {} }] },
    };
    expect(sameTemplate(stored, sentBack)).to.equal(true);
    expect(podTemplateHash(sentBack)).to.equal(podTemplateHash(template('v1')));
  });

  it('sees another image as another template', () => {
    expect(sameTemplate(template('v1'), template('v2'))).to.equal(false);
  });
});
