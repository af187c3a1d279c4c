/**
 * The files and packages a compiled entry point can load: its static imports,
 * re-exports and literal dynamic imports, followed through relative
 * specifiers. Read from the emitted JavaScript, where type-only imports are
 * already gone, so what it finds is what Node would load.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';

/** What {@link importGraph} found. */
export interface ImportGraph {
  /** Absolute paths of every file reached, the entry included. */
  files: Set<string>;
  /** Bare specifiers (packages) by the files that import them. */
  packages: Map<string, string[]>;
  /** Files with an `import(...)` or `require(...)` whose target is not a string literal. */
  opaque: string[];
}

/** Options of {@link importGraph}. */
export interface ImportGraphOptions {
  /** Absolute paths not to enter (the walk stops at them; they are not in `files`). */
  skip?: ReadonlySet<string>;
}

const STATIC = /(?:^|[\n;])\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
// A loader call whose argument is computed: the walk cannot see where it goes.
const OPAQUE = /\bimport\(\s*[^'"\s)]|\brequire(?:\.resolve)?\(|\bcreateRequire\(/;

/** The specifiers one emitted file imports, in order of appearance per kind. */
export function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const re of [STATIC, SIDE_EFFECT, DYNAMIC])
    for (const m of source.matchAll(re)) found.push(m[1]!);
  return found;
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Walks from `entry` (an absolute path to a .js file). */
export function importGraph(entry: string, options: ImportGraphOptions = {}): ImportGraph {
  const graph: ImportGraph = { files: new Set(), packages: new Map(), opaque: [] };
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (graph.files.has(file) || options.skip?.has(file)) continue;
    graph.files.add(file);
    const source = readFileSync(file, 'utf8');
    if (OPAQUE.test(source)) graph.opaque.push(file);
    for (const spec of specifiers(source)) {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else if (!isBuiltin(spec)) {
        const name = packageName(spec);
        graph.packages.set(name, [...(graph.packages.get(name) ?? []), file]);
      }
    }
  }
  return graph;
}
