/**
 * Test support: runs an Argo CD health script in a real Lua VM (fengari, Lua
 * 5.3 in JavaScript) the way Argo CD runs one from argocd-cm (util/lua in
 * argo-cd): a fresh state with only the base and table libraries (no string,
 * math or io: argocd-cm scripts run without Lua's open libraries unless
 * `resource.customizations.useOpenLibs` says otherwise), the live object as
 * the global `obj`, and the returned table read as `{status, message}`.
 *
 * Argo CD itself runs gopher-lua (Lua 5.1). The scripts keep to what both
 * versions share; the one visible difference, numbers, is bridged by pushing
 * whole JSON numbers as Lua integers so `tostring(3)` reads "3" as it does in
 * gopher-lua (fengari's integers are 32-bit; larger whole numbers become
 * floats, far beyond any metadata.generation).
 */
import fengari, { type LuaState } from 'fengari';

const { lua, lauxlib, lualib, luaconf, to_luastring } = fengari;

/** The health codes Argo CD accepts from a script (gitops-engine's HealthStatusCode). */
export const HEALTH_CODES = [
  'Healthy',
  'Progressing',
  'Degraded',
  'Suspended',
  'Missing',
  'Unknown',
] as const;

/** One of {@link HEALTH_CODES}. */
export type HealthCode = (typeof HEALTH_CODES)[number];

/** What a health script reported, as Argo CD reads it (a missing message is ""). */
export interface HealthStatus {
  status: HealthCode;
  message: string;
}

/** A health script that did not compile, raised an error, or returned no table. */
export class LuaScriptError extends Error {
  override readonly name = 'LuaScriptError';
}

/** What to run. */
export interface RunOptions {
  /** The Lua source, as it would stand in argocd-cm. */
  script: string;
  /** The live object (plain JSON data) bound to the global `obj`. */
  obj: unknown;
  /** Names the chunk in Lua error messages; default "health.lua". */
  chunkName?: string;
}

/**
 * Runs `script` with `obj` and returns what it reported. As in Argo CD, a
 * status that is not a health code becomes Unknown with Argo CD's message.
 * Throws LuaScriptError when the script does not compile, raises an error or
 * returns anything but a table, and TypeError for an `obj` that is not JSON
 * data.
 */
export function runHealthScript(options: RunOptions): HealthStatus {
  const L = lauxlib.luaL_newstate();
  openLibraries(L);
  pushValue(L, options.obj, '$');
  lua.lua_setglobal(L, to_luastring('obj'));

  const name = to_luastring(`=${options.chunkName ?? 'health.lua'}`);
  if (lauxlib.luaL_loadbuffer(L, to_luastring(options.script), null, name) !== lua.LUA_OK) {
    throw new LuaScriptError(`does not compile: ${lua.lua_tojsstring(L, -1)}`);
  }
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new LuaScriptError(`raised an error: ${lua.lua_tojsstring(L, -1)}`);
  }
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) {
    throw new LuaScriptError(`returned a ${luaTypeName(L, -1)}, not a table`);
  }
  const status = stringField(L, 'status');
  const message = stringField(L, 'message') ?? '';
  if (!HEALTH_CODES.includes(status as HealthCode)) {
    // Argo CD's own answer to an invalid code (util/lua: invalidHealthStatus).
    return { status: 'Unknown', message: 'Lua returned an invalid health status' };
  }
  return { status: status as HealthCode, message };
}

/** The libraries Argo CD opens for an argocd-cm script, less `package` and its safe `os` subset. */
function openLibraries(L: LuaState): void {
  lauxlib.luaL_requiref(L, to_luastring('_G'), lualib.luaopen_base, 1);
  lauxlib.luaL_requiref(L, to_luastring('table'), lualib.luaopen_table, 1);
  lua.lua_pop(L, 2);
}

/**
 * Pushes `value` as Lua data, as Argo CD's decodeValue does: objects become
 * tables keyed by string, arrays 1-based sequences, null becomes nil (so the
 * key is absent, and an array element a hole).
 */
function pushValue(L: LuaState, value: unknown, path: string): void {
  if (!lua.lua_checkstack(L, 3)) throw new TypeError(`${path}: nested too deeply`);
  if (value === null || value === undefined) {
    lua.lua_pushnil(L);
  } else if (typeof value === 'boolean') {
    lua.lua_pushboolean(L, value);
  } else if (typeof value === 'number') {
    pushNumber(L, value, path);
  } else if (typeof value === 'string') {
    lua.lua_pushstring(L, to_luastring(value));
  } else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0);
    value.forEach((item, i) => {
      pushValue(L, item, `${path}[${i}]`);
      lua.lua_seti(L, -2, i + 1);
    });
  } else if (typeof value === 'object' && isPlainObject(value)) {
    const entries = Object.entries(value);
    lua.lua_createtable(L, 0, entries.length);
    for (const [key, item] of entries) {
      pushValue(L, item, `${path}.${key}`);
      lua.lua_setfield(L, -2, to_luastring(key));
    }
  } else {
    throw new TypeError(`${path}: ${describe(value)} is not JSON data`);
  }
}

function pushNumber(L: LuaState, n: number, path: string): void {
  if (!Number.isFinite(n)) throw new TypeError(`${path}: ${n} is not a JSON number`);
  if (Number.isInteger(n) && n >= luaconf.LUA_MININTEGER && n <= luaconf.LUA_MAXINTEGER) {
    lua.lua_pushinteger(L, n);
  } else {
    lua.lua_pushnumber(L, n);
  }
}

/** The string at key `key` of the table on top of the stack, or undefined; non-strings throw. */
function stringField(L: LuaState, key: string): string | undefined {
  const type = lua.lua_getfield(L, -1, to_luastring(key));
  try {
    if (type === lua.LUA_TNIL) return undefined;
    if (type !== lua.LUA_TSTRING) {
      throw new LuaScriptError(`returned a ${luaTypeName(L, -1)} as ${key}, not a string`);
    }
    return lua.lua_tojsstring(L, -1);
  } finally {
    lua.lua_pop(L, 1);
  }
}

const TYPE_NAMES = ['nil', 'boolean', 'light userdata', 'number', 'string', 'table', 'function'];

function luaTypeName(L: LuaState, idx: number): string {
  return TYPE_NAMES[lua.lua_type(L, idx)] ?? 'userdata or thread';
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `an object of class ${v.constructor?.name}`;
  return `a ${typeof v}`;
}
