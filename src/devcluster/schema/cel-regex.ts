/**
 * The regex engine behind CEL's `matches()`: @bufbuild/cel's own RE2
 * (the same engine and flags its standard `matches` uses), with compiled
 * patterns kept. The standard function compiles the pattern on every call
 * and its lazily built DFA is thrown away with it, which made `matches` the
 * costliest part of evaluating a CRD's rules; a compiled RE2 is immutable
 * and safe to reuse, so keeping it changes no result and no error (a
 * pattern that does not compile is not kept and fails again next time).
 */
import { RE2JS } from '@bufbuild/re2';

/** Patterns kept; rules name a handful, but `matches(x)` may take its pattern from data. */
export const REGEX_CACHE_SIZE = 256;

/** What @bufbuild/cel's `celEnv({ re2 })` takes. */
export interface RegexEngine {
  compile(pattern: string): { test(text: string): boolean };
  /** Patterns kept now. */
  readonly size: number;
}

/** An RE2 engine that compiles each pattern once (the oldest of more than `size` is dropped). */
export function cachedRegexEngine(size = REGEX_CACHE_SIZE): RegexEngine {
  const compiled = new Map<string, RE2JS>();
  return {
    compile(pattern: string): RE2JS {
      let m = compiled.get(pattern);
      if (!m) {
        m = RE2JS.compile(pattern);
        if (compiled.size >= size) compiled.delete(compiled.keys().next().value!);
        compiled.set(pattern, m);
      }
      return m;
    },
    get size() {
      return compiled.size;
    },
  };
}
