/**
 * Label and field selectors as list and watch take them. A selector is
 * parsed once per request into a predicate; matching never allocates.
 */
import { badRequest } from './errors.js';
import type { KubeObject } from './object.js';

/** A compiled selector. */
export type Predicate = (obj: KubeObject) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

const KEY =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}" in selector "${selector}"`,
    );
  return key;
}

function parseRequirement(term: string, selector: string): Requirement {
  const set = /^(!?)\s*([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const key = checkKey(set[2]!, selector);
    const values = new Set(
      set[4]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
    if (set[3] === 'in') return (l) => l[key] !== undefined && values.has(l[key]);
    return (l) => l[key] === undefined || !values.has(l[key]);
  }
  const eq = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s=!]*)$/.exec(term);
  if (eq) {
    const key = checkKey(eq[1]!, selector);
    const value = eq[3]!;
    if (eq[2] === '!=') return (l) => l[key] !== value;
    return (l) => l[key] === value;
  }
  const exists = /^(!?)\s*([^\s!=()]+)$/.exec(term);
  if (exists) {
    const key = checkKey(exists[2]!, selector);
    return exists[1] === '!' ? (l) => !(key in l) : (l) => key in l;
  }
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`,
  );
}

/** Compiles a label selector (`a=b,c!=d,e in (x,y),!f`); empty matches all. */
export function parseLabelSelector(selector: string | null | undefined): Predicate | undefined {
  if (!selector) return undefined;
  const reqs = splitTerms(selector).map((t) => parseRequirement(t, selector));
  if (reqs.length === 0) return undefined;
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    for (const r of reqs) if (!r(labels)) return false;
    return true;
  };
}

/** Reads a field a field selector may name; the server supports only a few per kind. */
export type FieldGetter = (obj: KubeObject) => string | undefined;

const COMMON_FIELDS: Record<string, FieldGetter> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

/**
 * Compiles a field selector (`metadata.name=x,metadata.namespace!=y`) against
 * the fields `extra` adds to the common ones; an unknown field is 400 as in
 * the real server.
 */
export function parseFieldSelector(
  selector: string | null | undefined,
  extra: Record<string, FieldGetter> = {},
): Predicate | undefined {
  if (!selector) return undefined;
  const tests: Predicate[] = [];
  for (const term of splitTerms(selector)) {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    const get = COMMON_FIELDS[field] ?? extra[field];
    if (!get) throw badRequest(`field label not supported: ${field}`);
    const value = m[3]!.trim();
    tests.push(m[2] === '!=' ? (o) => (get(o) ?? '') !== value : (o) => (get(o) ?? '') === value);
  }
  return (obj) => {
    for (const t of tests) if (!t(obj)) return false;
    return true;
  };
}

/** The name a field selector pins (`metadata.name=x`), so a list can look it up directly. */
export function pinnedName(selector: string | null | undefined): string | undefined {
  if (!selector) return undefined;
  for (const term of splitTerms(selector)) {
    const m = /^metadata\.name(==|=)(.*)$/.exec(term.replace(/\s+/g, ''));
    if (m) return m[2];
  }
  return undefined;
}

/** Both selectors at once; undefined when neither filters. */
export function both(a: Predicate | undefined, b: Predicate | undefined): Predicate | undefined {
  if (!a) return b;
  if (!b) return a;
  return (o) => a(o) && b(o);
}
