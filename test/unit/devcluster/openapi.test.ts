import { expect } from 'chai';
import { openApi } from '../../../src/devcluster/openapi.js';
import { componentName, customSchemas } from '../../../src/devcluster/openapi/custom.js';
import { ResourceRegistry, type ResourceType } from '../../../src/devcluster/resources.js';

function widget(schema: object | undefined): ResourceType {
  return {
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    kind: 'Widget',
    listKind: 'WidgetList',
    singular: 'widget',
    namespaced: true,
    shortNames: [],
    categories: [],
    status: false,
    strategic: false,
    storageKey: 'example.com/widgets',
    custom: { schema, printerColumns: [] },
  };
}

const OBJECT_META = {
  $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
};

describe('devcluster OpenAPI v3', () => {
  it('names components by the reversed group, as kube-apiserver does', () => {
    expect(componentName('schema.streamspace.io', 'v1alpha1', 'SchemaMigration')).to.equal(
      'io.streamspace.schema.v1alpha1.SchemaMigration',
    );
  });

  it('gives a custom kind metadata as ObjectMeta, TypeMeta and its group-version-kind', () => {
    const schemas = customSchemas(
      widget({
        type: 'object',
        properties: {
          metadata: { type: 'object', description: 'from the CRD' },
          spec: { type: 'object', properties: { size: { type: 'integer' } } },
        },
      }),
    ) as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const kind = schemas['com.example.v1.Widget']!;
    expect(kind.properties.metadata).to.include(OBJECT_META);
    expect(kind.properties.metadata.description).to.match(/^Standard object's metadata\./);
    expect(kind.properties.apiVersion.type).to.equal('string');
    expect(kind.properties.spec.properties.size).to.deep.equal({ type: 'integer' });
    expect(kind['x-kubernetes-group-version-kind']).to.deep.equal([
      { group: 'example.com', kind: 'Widget', version: 'v1' },
    ]);
    const list = schemas['com.example.v1.WidgetList']!;
    expect(list.required).to.deep.equal(['items']);
    expect(list.properties.items.items).to.deep.equal({
      $ref: '#/components/schemas/com.example.v1.Widget',
    });
    expect(list['x-kubernetes-group-version-kind'][0].kind).to.equal('WidgetList');
  });

  it('gives embedded resources apiVersion, kind and metadata, and leaves a schema-less kind bare', () => {
    const schemas = customSchemas(
      widget({
        type: 'object',
        properties: {
          spec: {
            type: 'object',
            properties: {
              template: { type: 'object', 'x-kubernetes-embedded-resource': true },
            },
          },
        },
      }),
    ) as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const template = schemas['com.example.v1.Widget']!.properties.spec.properties.template;
    expect(Object.keys(template.properties)).to.deep.equal(['apiVersion', 'kind', 'metadata']);
    expect(template.required).to.deep.equal(['kind', 'apiVersion']);
    expect(customSchemas(widget(undefined))['com.example.v1.Widget']).to.deep.equal({
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }],
    });
  });

  it('lists every group/version with a hash that changes with its document', () => {
    const registry = new ResourceRegistry();
    registry.add(widget({ type: 'object' }));
    type Root = { paths: Record<string, { serverRelativeURL: string }> };
    const before = (openApi(registry, '/openapi/v3') as Root).paths['apis/example.com/v1']!;
    expect(before.serverRelativeURL).to.match(
      /^\/openapi\/v3\/apis\/example\.com\/v1\?hash=[0-9A-F]{128}$/,
    );
    registry.add(widget({ type: 'object', properties: { spec: { type: 'object' } } }));
    const after = (openApi(registry, '/openapi/v3') as Root).paths['apis/example.com/v1']!;
    expect(after.serverRelativeURL).to.not.equal(before.serverRelativeURL);
  });

  it('offers patch only where it is served (not for the reviews)', () => {
    const registry = new ResourceRegistry();
    const doc = openApi(registry, '/openapi/v3/apis/authorization.k8s.io/v1') as {
      paths: object;
    };
    expect(doc.paths).to.deep.equal({});
    const core = openApi(registry, '/openapi/v3/api/v1') as { paths: Record<string, unknown> };
    expect(core.paths).to.have.property('/api/v1/namespaces/{namespace}/configmaps/{name}');
  });
});
