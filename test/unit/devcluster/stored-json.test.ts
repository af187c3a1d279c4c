import { expect } from 'chai';
import { storedJson, type KubeObject } from '../../../src/devcluster/object.js';
import { useDevCluster } from '../../support/devcluster.js';

describe('devcluster stored JSON', () => {
  it('is the text JSON.stringify gives, the same text each time', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'é"' } };
    const text = storedJson(obj as KubeObject);
    expect(text).to.equal(JSON.stringify(obj));
    expect(storedJson(obj as KubeObject)).to.equal(text);
  });

  describe('shared by a write and its watch event', () => {
    const f = useDevCluster();

    it('gives the watcher the very object the write answered, byte for byte', async () => {
      const path = '/api/v1/namespaces/default/configmaps';
      const abort = new AbortController();
      const watch = await fetch(`${f.url}${path}?watch=true`, { signal: abort.signal });
      const created = await fetch(`${f.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name: 'shared' }, data: { k: 'v' } }),
      });
      const answer = await created.text();
      const reader = watch.body!.getReader();
      let line = '';
      while (!line.includes('\n')) line += new TextDecoder().decode((await reader.read()).value);
      abort.abort();
      expect(line.split('\n')[0]).to.equal(`{"type":"ADDED","object":${answer}}`);
      const event = JSON.parse(line.split('\n')[0]!) as { type: string; object: unknown };
      expect(JSON.stringify(event)).to.equal(line.split('\n')[0]);
    });
  });
});
