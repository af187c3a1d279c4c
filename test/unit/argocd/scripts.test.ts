import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import luaparse, { type Chunk, type Identifier } from 'luaparse';
import { packageRoot } from '../../../src/api/index.js';
import { HEALTH_CHECKS, readScript } from '../../support/argocd/scripts.js';

/**
 * Base-library names a script may use. Argo CD gives argocd-cm scripts no
 * string, math or io library, and the tests' VM (Lua 5.3) would not catch a
 * use of one on a branch no fixture reaches, so the source is checked too.
 */
const ALLOWED_GLOBALS = ['obj', 'type', 'ipairs', 'pairs', 'next', 'tostring', 'tonumber'];

describe('the Argo CD health scripts in argocd/health/', () => {
  it('are exactly one per kind', () => {
    const files = readdirSync(join(packageRoot(), 'argocd', 'health')).sort();
    expect(files).to.deep.equal(HEALTH_CHECKS.map((c) => c.scriptPath.split('/').pop()).sort());
  });

  for (const check of HEALTH_CHECKS) {
    describe(check.scriptPath, () => {
      const source = readScript(check);

      it('parses as Lua 5.1, the language of gopher-lua that Argo CD embeds', () => {
        expect(() => luaparse.parse(source, { luaVersion: '5.1' })).not.to.throw();
      });

      it(`uses no globals but ${ALLOWED_GLOBALS.join(', ')}`, () => {
        // With `scope`, luaparse lists the free names it met (missing from its types).
        const ast = luaparse.parse(source, { luaVersion: '5.1', scope: true }) as Chunk & {
          globals: Identifier[];
        };
        const globals = ast.globals.map((g) => g.name);
        expect(globals.filter((g) => !ALLOWED_GLOBALS.includes(g))).to.deep.equal([]);
      });

      it('returns its table from the top level, as Argo CD reads the last value', () => {
        expect(source.trimEnd().split('\n').pop()).to.equal('return hs');
      });
    });
  }
});
