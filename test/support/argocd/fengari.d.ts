/**
 * The few parts of fengari (a Lua 5.3 VM in JavaScript, no types of its own)
 * that the Argo CD health-check tests use. Lua strings are byte arrays.
 */
declare module 'fengari' {
  /** An opaque Lua state. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  type LuaString = Uint8Array;
  type LuaCFunction = (L: LuaState) => number;

  interface Lua {
    LUA_OK: number;
    LUA_MULTRET: number;
    LUA_TNIL: number;
    LUA_TSTRING: number;
    LUA_TTABLE: number;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_getfield(L: LuaState, idx: number, k: LuaString): number;
    lua_gettop(L: LuaState): number;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: LuaString): void;
    lua_setfield(L: LuaState, idx: number, k: LuaString): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_seti(L: LuaState, idx: number, n: number): void;
    lua_tojsstring(L: LuaState, idx: number): string;
    lua_type(L: LuaState, idx: number): number;
  }

  interface LAuxLib {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buff: LuaString, sz: number | null, name: LuaString): number;
    luaL_requiref(L: LuaState, modname: LuaString, openf: LuaCFunction, glb: number): void;
  }

  interface LuaLib {
    luaopen_base: LuaCFunction;
    luaopen_table: LuaCFunction;
  }

  const fengari: {
    lua: Lua;
    lauxlib: LAuxLib;
    lualib: LuaLib;
    luaconf: { LUA_MAXINTEGER: number; LUA_MININTEGER: number };
    to_luastring(s: string): LuaString;
  };
  export default fengari;
}
