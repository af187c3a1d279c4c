import { expect } from 'chai';
import { LuaScriptError, runHealthScript } from '../../support/argocd/lua.js';

/** Runs `body` (Lua that yields a string) and returns that string as the message. */
function evalWith(obj: unknown, expr: string): string {
  const script = `local hs = {} hs.status = "Healthy" hs.message = ${expr} return hs`;
  return runHealthScript({ script, obj }).message;
}

describe('runHealthScript (the Lua VM the health-check tests use)', () => {
  const conversions: Array<[string, unknown, string, string]> = [
    [
      'arrays as 1-based sequences',
      { a: [10, 20, 30] },
      'tostring(#obj.a) .. tostring(obj.a[1]) .. tostring(obj.a[3])',
      '31030',
    ],
    ['nested objects as nested tables', { a: { b: { c: 'deep' } } }, 'obj.a.b.c', 'deep'],
    [
      'whole numbers as integers, so tostring reads like gopher-lua',
      { n: 3 },
      'tostring(obj.n)',
      '3',
    ],
    ['fractions as floats', { f: 2.5 }, 'tostring(obj.f)', '2.5'],
    [
      'booleans as booleans',
      { t: true, f: false },
      'type(obj.t) .. tostring(obj.t) .. tostring(obj.f)',
      'booleantruefalse',
    ],
    [
      'null as nil, so the key is absent',
      { x: null },
      'tostring(obj.x == nil) .. tostring(next(obj))',
      'truenil',
    ],
    [
      'null in an array as a hole',
      { a: [1, null, 3] },
      'tostring(obj.a[2]) .. tostring(obj.a[3])',
      'nil3',
    ],
    ['strings as UTF-8 bytes', { s: 'é' }, '#obj.s .. obj.s', '2é'],
    ['a missing obj field as nil', {}, 'tostring(obj.status)', 'nil'],
    ['a non-object obj as itself', 7, 'tostring(obj)', '7'],
  ];
  for (const [what, obj, expr, want] of conversions) {
    it(`passes ${what}`, () => {
      expect(evalWith(obj, expr)).to.equal(want);
    });
  }

  it('opens the base and table libraries only, as Argo CD does for argocd-cm scripts', () => {
    expect(
      evalWith({}, 'type(ipairs) .. type(table) .. type(string) .. type(math) .. type(io)'),
    ).to.equal('functiontablenilnilnil');
  });

  it('refuses string methods, which need the string library Argo CD leaves out', () => {
    expect(() => evalWith({ s: 'x' }, 'obj.s:upper()')).to.throw(
      LuaScriptError,
      /attempt to index/,
    );
  });

  it('reads status and message from the returned table, and a missing message as ""', () => {
    const script = 'return { status = "Progressing" }';
    expect(runHealthScript({ script, obj: {} })).to.deep.equal({
      status: 'Progressing',
      message: '',
    });
  });

  it('answers an invalid status as Argo CD does: Unknown, "Lua returned an invalid health status"', () => {
    const script = 'return { status = "Fine", message = "x" }';
    expect(runHealthScript({ script, obj: {} })).to.deep.equal({
      status: 'Unknown',
      message: 'Lua returned an invalid health status',
    });
  });

  const failures: Array<[string, string, RegExp]> = [
    ['a script that does not compile', 'return {', /does not compile: check\.lua:1:/],
    [
      'a script that raises an error',
      'return obj.a.b',
      /raised an error: check\.lua:1: attempt to index/,
    ],
    ['a script that returns no table', 'return "Healthy"', /returned a string, not a table/],
    ['a status that is not a string', 'return { status = 1 }', /returned a number as status/],
  ];
  for (const [what, script, want] of failures) {
    it(`throws LuaScriptError for ${what}`, () => {
      expect(() => runHealthScript({ script, obj: {}, chunkName: 'check.lua' })).to.throw(
        LuaScriptError,
        want,
      );
    });
  }

  it('throws TypeError, naming the path, for an obj that is not JSON data', () => {
    expect(() => runHealthScript({ script: 'return {}', obj: { a: [new Date(0)] } })).to.throw(
      TypeError,
      /\$\.a\[0\]: an object of class Date is not JSON data/,
    );
    expect(() => runHealthScript({ script: 'return {}', obj: { n: Infinity } })).to.throw(
      TypeError,
      /\$\.n: Infinity is not a JSON number/,
    );
  });
});
