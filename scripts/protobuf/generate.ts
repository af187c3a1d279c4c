/**
 * Writes the protobuf field tables (`tables-*.ts`) from checkouts of
 * kubernetes/api and kubernetes/apimachinery: field numbers and types from
 * each `generated.proto`, JSON names, Go pointers, `omitempty` and embedding
 * from the `json` and `protobuf` tags of `types.go`. Only the messages the
 * root kinds reach are written. Run after adding a kind, then prettier:
 *
 *   node dist/scripts/protobuf/generate.js ../api ../apimachinery src/devcluster/protobuf
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The kinds whose bodies are decoded (message names as in the tables). */
const ROOTS = [
  'core.Namespace',
  'core.Secret',
  'core.ConfigMap',
  'core.ServiceAccount',
  'core.Pod',
  'core.Service',
  'core.ResourceQuota',
  'core.LimitRange',
  'core.Event',
  'apps.Deployment',
  'rbac.Role',
  'rbac.RoleBinding',
  'rbac.ClusterRole',
  'rbac.ClusterRoleBinding',
  'networking.NetworkPolicy',
  'coordination.Lease',
  'events.Event',
  'policy.PodDisruptionBudget',
  'authentication.TokenRequest',
  // Typed clients (helm's release storage) send the body of a DELETE as protobuf too.
  'meta.DeleteOptions',
];

/** Proto package → table prefix, and where its sources are (kubernetes/api or apimachinery). */
const PACKAGES: Array<{ proto: string; short: string; repo: 'api' | 'am'; dir: string }> = [
  { proto: 'k8s.io.api.core.v1', short: 'core', repo: 'api', dir: 'core/v1' },
  { proto: 'k8s.io.api.apps.v1', short: 'apps', repo: 'api', dir: 'apps/v1' },
  { proto: 'k8s.io.api.rbac.v1', short: 'rbac', repo: 'api', dir: 'rbac/v1' },
  { proto: 'k8s.io.api.networking.v1', short: 'networking', repo: 'api', dir: 'networking/v1' },
  {
    proto: 'k8s.io.api.coordination.v1',
    short: 'coordination',
    repo: 'api',
    dir: 'coordination/v1',
  },
  { proto: 'k8s.io.api.events.v1', short: 'events', repo: 'api', dir: 'events/v1' },
  { proto: 'k8s.io.api.policy.v1', short: 'policy', repo: 'api', dir: 'policy/v1' },
  {
    proto: 'k8s.io.api.authentication.v1',
    short: 'authentication',
    repo: 'api',
    dir: 'authentication/v1',
  },
  {
    proto: 'k8s.io.apimachinery.pkg.apis.meta.v1',
    short: 'meta',
    repo: 'am',
    dir: 'pkg/apis/meta/v1',
  },
  {
    proto: 'k8s.io.apimachinery.pkg.api.resource',
    short: 'resource',
    repo: 'am',
    dir: 'pkg/api/resource',
  },
  {
    proto: 'k8s.io.apimachinery.pkg.util.intstr',
    short: 'intstr',
    repo: 'am',
    dir: 'pkg/util/intstr',
  },
  { proto: 'k8s.io.apimachinery.pkg.runtime', short: 'runtime', repo: 'am', dir: 'pkg/runtime' },
];

/** Decoded by hand (`wellknown.ts`): their fields are not walked. */
const WELL_KNOWN = new Set([
  'meta.Time',
  'meta.MicroTime',
  'meta.Duration',
  'meta.FieldsV1',
  'resource.Quantity',
  'intstr.IntOrString',
  'runtime.RawExtension',
]);

const SCALARS: Record<string, string> = {
  string: 's',
  bool: 'b',
  int32: 'i32',
  int64: 'i64',
  bytes: 'bytes',
  double: 'f64',
};

interface ProtoField {
  num: number;
  name: string;
  type: string;
  kind: '' | 'r' | 'm';
}

interface GoField {
  json: string;
  omitempty: boolean;
  inline: boolean;
  pointer: boolean;
}

function protoMessages(text: string, short: string): Map<string, ProtoField[]> {
  const out = new Map<string, ProtoField[]>();
  const clean = text.replace(/\/\/[^\n]*/g, '');
  const field =
    /(optional|repeated)?\s*(map<\s*string\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+);/g;
  for (const m of clean.matchAll(/\nmessage (\w+) \{(.*?)\n\}/gs)) {
    const fields: ProtoField[] = [];
    for (const f of m[2]!.matchAll(field)) {
      const [, label, typ, mapValue, name, num] = f;
      let type = mapValue ?? typ!;
      const scalar = SCALARS[type];
      if (scalar) type = scalar;
      else {
        type = type.replace(/^\./, '');
        const dot = type.lastIndexOf('.');
        const pkg = dot < 0 ? undefined : PACKAGES.find((p) => p.proto === type.slice(0, dot));
        if (dot >= 0 && !pkg) throw new Error(`no package for ${type}`);
        type = `${pkg ? pkg.short : short}.${type.slice(dot + 1)}`;
      }
      const kind = mapValue ? 'm' : label === 'repeated' ? 'r' : '';
      fields.push({ num: Number(num), name: name!, type, kind });
    }
    out.set(`${short}.${m[1]}`, fields);
  }
  return out;
}

function goStructs(text: string, short: string): Map<string, Map<number, GoField>> {
  const out = new Map<string, Map<number, GoField>>();
  for (const m of text.matchAll(/\ntype (\w+) struct \{(.*?)\n\}/gs)) {
    const fields = new Map<number, GoField>();
    for (const raw of m[2]!.split('\n')) {
      const line = raw.trim();
      const tags = /`(.*)`/.exec(line)?.[1];
      if (line.startsWith('//') || !tags) continue;
      const pb = /protobuf:"\w+,(\d+)/.exec(tags);
      const js = /json:"([^"]*)"/.exec(tags);
      if (!pb || !js) continue;
      const decl = line.slice(0, line.indexOf('`')).trim().split(/\s+/);
      const goType = decl.length >= 2 ? decl[decl.length - 1]! : decl[0]!;
      const [json, ...opts] = js[1]!.split(',');
      fields.set(Number(pb[1]), {
        json: json!,
        omitempty: opts.includes('omitempty'),
        inline: json === '' || opts.includes('inline'),
        pointer: goType.startsWith('*'),
      });
    }
    out.set(`${short}.${m[1]}`, fields);
  }
  return out;
}

/** The table line of one message. */
function row(fields: ProtoField[], go: Map<number, GoField> | undefined): string {
  return fields
    .map((f) => {
      const g = go?.get(f.num);
      let flags: string = f.kind;
      let json = g ? g.json : f.name;
      if (g?.inline) {
        flags += 'i';
        json = '';
      }
      const scalar = !f.type.includes('.');
      if (g && (g.pointer || !g.omitempty) && f.kind === '' && scalar) flags += 'p';
      return [String(f.num), json, f.type, ...(flags ? [flags] : [])].join(':');
    })
    .join(' ');
}

const HEADERS: Record<string, { constant: string; what: string; example: string }> = {
  core: {
    constant: 'CORE_MESSAGES',
    what: 'The messages of kubernetes/api `core/v1` (package `k8s.io.api.core.v1`) that the\n * stored core kinds reach',
    example: 'core',
  },
  meta: {
    constant: 'META_MESSAGES',
    what: "The messages of apimachinery's `pkg/apis/meta/v1` (package\n * `k8s.io.apimachinery.pkg.apis.meta.v1`) that object bodies reach",
    example: 'meta',
  },
  groups: {
    constant: 'GROUP_MESSAGES',
    what: "The messages of kubernetes/api `apps/v1`, `rbac/v1`, `networking/v1`,\n * `coordination/v1`, `events/v1` and `policy/v1` that their stored kinds reach, and\n * `authentication/v1`'s TokenRequest",
    example: 'apps',
  },
};

function fileText(name: string, rows: string[]): string {
  const h = HEADERS[name]!;
  return `// Code generated by scripts/protobuf/generate.ts from kubernetes/api and kubernetes/apimachinery. DO NOT EDIT.
/**
 * ${h.what}, by field number.
 * Transcribed from \`generated.proto\` (field numbers and types) and \`types.go\`
 * (JSON names, pointer and \`omitempty\`) of the Kubernetes API; the format is
 * described in \`schema.ts\`.
 */
import type { MessageTable } from './schema.js';

/** Message name (\`${h.example}.Kind\`) → its fields. */
export const ${h.constant}: MessageTable = {
${rows.join('\n')}
};
`;
}

/** Reads the sources, walks from the roots, writes the three table files into `outDir`. */
export function generate(apiDir: string, machineryDir: string, outDir: string): void {
  const messages = new Map<string, ProtoField[]>();
  const structs = new Map<string, Map<number, GoField>>();
  for (const p of PACKAGES) {
    const dir = join(p.repo === 'api' ? apiDir : machineryDir, p.dir);
    for (const [k, v] of protoMessages(readFileSync(join(dir, 'generated.proto'), 'utf8'), p.short))
      messages.set(k, v);
    if (p.short === 'resource' || p.short === 'intstr' || p.short === 'runtime') continue;
    for (const [k, v] of goStructs(readFileSync(join(dir, 'types.go'), 'utf8'), p.short))
      structs.set(k, v);
  }
  const seen = new Set<string>();
  const todo = [...ROOTS];
  while (todo.length) {
    const name = todo.pop()!;
    if (seen.has(name) || WELL_KNOWN.has(name)) continue;
    const fields = messages.get(name);
    if (!fields) throw new Error(`no message ${name}`);
    seen.add(name);
    for (const f of fields) if (f.type.includes('.')) todo.push(f.type);
  }
  const files: Record<string, string[]> = { core: [], meta: [], groups: [] };
  for (const name of [...seen].sort()) {
    const pkg = name.slice(0, name.indexOf('.'));
    const file = pkg === 'core' || pkg === 'meta' ? pkg : 'groups';
    files[file]!.push(`  '${name}': '${row(messages.get(name)!, structs.get(name))}',`);
  }
  for (const [file, rows] of Object.entries(files))
    writeFileSync(join(outDir, `tables-${file}.ts`), fileText(file, rows));
}

const [apiDir, machineryDir, outDir] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}` && apiDir && machineryDir && outDir)
  generate(apiDir, machineryDir, outDir);
