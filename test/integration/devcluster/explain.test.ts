import { expect } from 'chai';
import { loadCrds } from '../../../src/api/index.js';
import { useDevCluster } from '../../support/devcluster.js';
import { kubectl, KUBECTLS } from '../../support/kubectl.js';
import { installCrds } from '../../support/spawned.js';

interface Schema {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

/** An object of the schema that `kubectl explain <path>` shows the fields of. */
interface ObjectNode {
  path: string;
  fields: Record<string, Schema>;
}

/** Every object in `s` reachable by field names (through list items, as explain walks). */
function objectNodes(s: Schema, path: string, out: ObjectNode[] = []): ObjectNode[] {
  const target = s.items ?? s;
  if (!target.properties) return out;
  out.push({ path, fields: target.properties });
  for (const [name, child] of Object.entries(target.properties))
    objectNodes(child, `${path}.${name}`, out);
  return out;
}

/** `--recursive` output as dotted paths, from its two-space indentation. */
function recursivePaths(out: string): Set<string> {
  const paths = new Set<string>();
  const stack: string[] = [];
  const fields = out.slice(out.indexOf('FIELDS:') + 'FIELDS:'.length);
  for (const line of fields.split('\n')) {
    const m = /^( *)([A-Za-z0-9_$-]+)\t/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 2 - 1;
    stack.length = depth;
    stack.push(m[2]!);
    paths.add(stack.join('.'));
  }
  return paths;
}

const words = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('kubectl explain on custom resources (OpenAPI v3 from the CRDs)', function () {
  this.timeout(120_000);
  const f = useDevCluster();
  let kinds: Array<{ short: string; nodes: ObjectNode[] }>;

  before(async () => {
    await installCrds(f.url);
    kinds = (await loadCrds()).map((crd) => {
      const c = crd as unknown as {
        spec: {
          names: { shortNames: string[] };
          versions: Array<{ schema: { openAPIV3Schema: Schema } }>;
        };
      };
      const schema = c.spec.versions[0]!.schema.openAPIV3Schema;
      return { short: c.spec.names.shortNames[0]!, nodes: objectNodes(schema, '') };
    });
    expect(kinds.map((k) => k.short).sort()).to.deep.equal(['org', 'orgclass', 'smig']);
  });

  for (const { version, bin } of KUBECTLS) {
    const k = (args: string[]) =>
      kubectl(args, { kubeconfigPath: f.kubeconfigPath, ...(bin ? { bin } : {}) });

    it(`kubectl ${version} explains smig.spec with its description and fields`, async () => {
      const r = await k(['explain', 'smig.spec']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^GROUP:\s+schema\.streamspace\.io$/m);
      expect(r.stdout).to.match(/^KIND:\s+SchemaMigration$/m);
      expect(r.stdout).to.match(/^VERSION:\s+v1alpha1$/m);
      expect(r.stdout).to.match(/^FIELD: spec <Object>$/m);
      expect(r.stdout).to.match(/^ {2}database\t<Object> -required-$/m);
    });

    it(`kubectl ${version} explains metadata as ObjectMeta, down to managedFields`, async () => {
      const r = await k(['explain', 'org.metadata.ownerReferences.uid']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^FIELD: uid <string>$/m);
      expect(words(r.stdout)).to.include('UID of the referent.');
    });

    it(`kubectl ${version} explain --recursive lists every field of each kind`, async () => {
      for (const { short, nodes } of kinds) {
        const r = await k(['explain', short, '--recursive']);
        expect(r.code, r.stderr).to.equal(0);
        const listed = recursivePaths(r.stdout);
        const expected = nodes.flatMap((n) =>
          Object.keys(n.fields).map((name) => `${n.path}.${name}`.slice(1)),
        );
        expect(expected.filter((p) => !listed.has(p))).to.deep.equal([]);
        for (const p of ['metadata.name', 'metadata.managedFields.fieldsV1', 'apiVersion'])
          expect(listed.has(p), p).to.equal(true);
      }
    });
  }

  it('kubectl 1.33 shows every field of each kind with its description', async () => {
    const checks = kinds.flatMap(({ short, nodes }) =>
      nodes.map(async (node) => {
        const r = await kubectl(['explain', `${short}${node.path}`], {
          kubeconfigPath: f.kubeconfigPath,
        });
        expect(r.code, `${short}${node.path}: ${r.stderr}`).to.equal(0);
        const shown = words(r.stdout);
        if (node.path === '')
          expect(shown).to.include("metadata <ObjectMeta> Standard object's metadata.");
        for (const [name, field] of Object.entries(node.fields)) {
          expect(shown, `${short}${node.path}.${name}`).to.match(new RegExp(`(^| )${name} <`));
          // The server describes TypeMeta and ObjectMeta itself, whatever the CRD says.
          if (node.path === '' && ['apiVersion', 'kind', 'metadata'].includes(name)) continue;
          if (field.description)
            expect(shown, `${short}${node.path}.${name}`).to.include(words(field.description));
        }
      }),
    );
    await Promise.all(checks);
  });
});
