/**
 * Field paths and field sets as server-side apply tracks them. A path is a
 * list of elements written as in `fieldsV1`: `f:<field>`, `k:<keys as JSON>`
 * (an item of a list keyed by fields), `v:<value as JSON>` (an item of a
 * set), `i:<index>`. A set holds paths as strings, so union and difference
 * are plain set operations; `fieldsV1` is the tree form of the same set,
 * where `.` marks a path that is itself a member and not only a prefix.
 *
 * Sets and trees are values: nothing changes one in place (an operation
 * returns a new set, or its input when it would be the same), and stored
 * objects are never mutated. So the tree made for a set is kept with it,
 * and what reading a tree made here gives (members in reading order) with
 * the tree: a manager whose fields a write leaves alone is neither parsed
 * nor encoded again.
 */
import { isRecord } from '../object.js';

/** One step of a path, in its `fieldsV1` spelling. */
export type PathElement = string;

/** A set of paths, each encoded by {@link encode}. */
export type FieldSet = Set<string>;

/** The set member for `path`. */
export function encode(path: readonly PathElement[]): string {
  return JSON.stringify(path);
}

/** The path of a set member. */
export function decode(member: string): PathElement[] {
  return JSON.parse(member) as PathElement[];
}

/** The `k:` element of a keyed list item: its key fields, sorted by name. */
export function keyElement(item: Record<string, unknown>, keys: readonly string[]): PathElement {
  const fields = [...keys].sort().filter((k) => item[k] !== undefined);
  return `k:${JSON.stringify(Object.fromEntries(fields.map((k) => [k, item[k]])))}`;
}

/** The `v:` element of a set item. */
export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

/** The tree made for each set by {@link toFieldsV1}, and the set of each such tree. */
const treeOfSet = new WeakMap<FieldSet, Record<string, unknown>>();
const setOfTree = new WeakMap<object, FieldSet>();

/** `a` without the members `drop` says, or `a` itself when it says none (nothing copied then). */
function without(a: FieldSet, drop: (m: string) => boolean): FieldSet {
  let out: FieldSet | undefined;
  let i = 0;
  for (const m of a) {
    if (drop(m)) {
      // The first member dropped: the members before it are kept, in order.
      out ??= new Set([...a].slice(0, i));
    } else out?.add(m);
    i++;
  }
  return out ?? a;
}

/** Members of `a` that are not in `b` (`a` itself when none is). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  return b.size === 0 ? a : without(a, (m) => b.has(m));
}

/** Members of `a` that are in `b`. */
export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  return new Set([...a].filter((m) => b.has(m)));
}

/** Members of `a` and of `b`. */
export function union(...sets: FieldSet[]): FieldSet {
  const out = new Set<string>();
  for (const s of sets) for (const m of s) out.add(m);
  return out;
}

/** Whether `path` starts with `prefix` (or equals it). */
export function startsWith(path: readonly PathElement[], prefix: readonly PathElement[]): boolean {
  return prefix.length <= path.length && prefix.every((e, i) => path[i] === e);
}

/**
 * The encoded form every member below `member` starts with: its JSON array
 * left open (`["f:a","f:b",`). A JSON string ends at its first unescaped
 * quote, so a member starting with it has exactly those first elements.
 */
export function openPrefix(member: string): string {
  return member === '[]' ? '[' : `${member.slice(0, -1)},`;
}

/** Members of `a` that are neither in `b` nor below a member of `b` (`a` itself when none is). */
export function recursiveDifference(a: FieldSet, b: FieldSet): FieldSet {
  if (b.size === 0) return a;
  const prefixes = [...b].map(openPrefix);
  return without(a, (m) => b.has(m) || prefixes.some((q) => m.startsWith(q)));
}

/**
 * Trees by the members they were made from: objects of one kind written
 * the same way (every Organization's status, say) own the same fields, so
 * their sets, though separate values, mostly make the same tree.
 */
const treeOfMembers = new Map<string, Record<string, unknown>>();
/** Trees kept by their members; the oldest goes first. */
export const FIELDS_V1_CACHE_SIZE = 1000;

/** The `fieldsV1` tree of a set (the same tree for the same set: nobody changes either). */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  let tree = treeOfSet.get(set);
  if (tree) return tree;
  // Members are JSON, which escapes a newline: the joined list says exactly which they are.
  const members = [...set].join('\n');
  tree = treeOfMembers.get(members);
  if (!tree) {
    tree = buildFieldsV1(set);
    // Read once now, in the order a reader walks it; the set read is the same value as `set`
    // unless `set` held what a tree cannot say (the empty path), and then it gets a tree of its own.
    const read = walkFieldsV1(tree);
    setOfTree.set(tree, read);
    if (read.size === set.size && [...read].every((m) => set.has(m))) treeOfSet.set(read, tree);
    if (treeOfMembers.size >= FIELDS_V1_CACHE_SIZE)
      treeOfMembers.delete(treeOfMembers.keys().next().value!);
    treeOfMembers.set(members, tree);
  }
  treeOfSet.set(set, tree);
  return tree;
}

function buildFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const members = [...set].map(decode);
  for (const path of members) {
    let node = root;
    for (const el of path) {
      node[el] ??= {};
      node = node[el] as Record<string, unknown>;
    }
  }
  // A member that is also a prefix of another member carries `.`.
  for (const path of members) {
    let node = root;
    for (const el of path) node = node[el] as Record<string, unknown>;
    if (Object.keys(node).length > 0) node['.'] = {};
  }
  return sortTree(root);
}

function sortTree(node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(node).sort()) out[k] = sortTree(node[k] as Record<string, unknown>);
  return out;
}

/** The set a `fieldsV1` tree describes; anything malformed is left out. */
export function fromFieldsV1(tree: unknown): FieldSet {
  // A tree made here, unchanged since, was read when it was made.
  const made = isRecord(tree) ? setOfTree.get(tree) : undefined;
  return made ?? walkFieldsV1(tree);
}

function walkFieldsV1(tree: unknown): FieldSet {
  const out = new Set<string>();
  const walk = (node: unknown, path: PathElement[]): void => {
    if (!isRecord(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || '.' in node)) out.add(encode(path));
    for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
  };
  walk(tree, []);
  return out;
}

/** A path as kube-apiserver prints it in conflicts: `.spec.containers[name="app"].image`. */
export function pathString(path: readonly PathElement[]): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('i:')) return `[${body}]`;
      if (el.startsWith('v:')) return `[=${body}]`;
      const keys = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(keys)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
