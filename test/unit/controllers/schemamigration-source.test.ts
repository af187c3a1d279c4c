import { expect } from 'chai';
import { loadSource } from '../../../src/controllers/schemamigration/source.js';
import { SOURCE_LIMITS } from '../../../src/controllers/schemamigration/limits.js';
import { InvalidSourceError } from '../../../src/engine/index.js';
import type { MigrationSource } from '../../../src/api/index.js';

const limits = { maxFileBytes: 100, maxSourceBytes: 250, maxFiles: 3 };

async function refusal(p: Promise<unknown>): Promise<InvalidSourceError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidSourceError);
    return err as InvalidSourceError;
  }
  throw new Error('the source was accepted');
}

describe('SchemaMigration source limits', () => {
  const maps: Record<string, Record<string, string>> = {
    small: { '001_a.sql': 'SELECT 1;', '002_b.sql': 'SELECT 2;' },
    big: { '003_c.sql': 'SELECT 3; --' + 'x'.repeat(100) },
    more: { '003_c.sql': 'SELECT 3;', '004_d.sql': 'SELECT 4;' },
    fill: {
      '003_c.sql': 'SELECT 1; --' + 'x'.repeat(80),
      '004_d.sql': 'SELECT 1; --' + 'x'.repeat(80),
    },
  };
  const read = async (_ns: string, name: string) => {
    const data = maps[name];
    return data ? { data } : undefined;
  };
  const fromMaps = (...names: string[]): MigrationSource => ({
    configMaps: names.map((name) => ({ name })),
  });

  it('reads a source within the limits', async () => {
    const ms = await loadSource(fromMaps('small'), 'ns', read, limits);
    expect(ms.map((m) => m.version)).to.deep.equal(['001', '002']);
  });

  it('refuses a file over the file limit, naming the ConfigMap key and the limit', async () => {
    const err = await refusal(loadSource(fromMaps('small', 'big'), 'ns', read, limits));
    expect(err.message).to.match(
      /^configmap ns\/big key 003_c\.sql: 112 bytes .* 100 bytes one migration file/,
    );
  });

  it('refuses more files than the file count limit', async () => {
    const err = await refusal(loadSource(fromMaps('small', 'more'), 'ns', read, limits));
    expect(err.message).to.include('configmap ns/more key 004_d.sql');
    expect(err.message).to.include('more than 3 migration files');
  });

  it('refuses a source whose files together pass the source limit', async () => {
    const err = await refusal(
      loadSource(fromMaps('small', 'fill'), 'ns', read, {
        ...limits,
        maxFiles: 10,
        maxSourceBytes: 150,
      }),
    );
    expect(err.message).to.include('configmap ns/fill key 004_d.sql');
    expect(err.message).to.include('more than the 150 bytes one source may have');
  });

  it('does not read the ConfigMaps after the one that passed a limit', async () => {
    const asked: string[] = [];
    await refusal(
      loadSource(
        fromMaps('big', 'small'),
        'ns',
        async (ns, name) => {
          asked.push(name);
          return read(ns, name);
        },
        limits,
      ),
    );
    expect(asked).to.deep.equal(['big']);
  });

  it('refuses an inline entry over the file limit, naming the entry', async () => {
    const source: MigrationSource = {
      inline: [{ version: '001', name: 'big', sql: 'SELECT 1; --' + 'x'.repeat(200) }],
    };
    const err = await refusal(loadSource(source, 'ns', read, limits));
    expect(err.message).to.match(/^spec\.source\.inline 001_big: \d+ bytes/);
  });

  it('counts bytes, not characters', async () => {
    const source: MigrationSource = {
      inline: [{ version: '001', name: 'wide', sql: 'SELECT 1; --' + 'é'.repeat(50) }],
    };
    const err = await refusal(loadSource(source, 'ns', read, limits));
    expect(err.message).to.include('112 bytes');
  });

  it('has defaults that fit a full ConfigMap per file', () => {
    expect(SOURCE_LIMITS.maxFileBytes).to.equal(1024 * 1024);
    expect(SOURCE_LIMITS.maxSourceBytes).to.be.at.least(SOURCE_LIMITS.maxFileBytes);
  });
});
