/** The chart's limits on organization namespaces reach the operator as environment variables. */
import { expect } from 'chai';
import { renderChart, type Obj } from '../support/packaging/render.js';

function envOf(objs: Obj[]): Map<string, string | undefined> {
  const deploy = objs.find((o) => o.kind === 'Deployment')!;
  const env = deploy.spec.template.spec.containers[0].env as Array<{
    name: string;
    value?: string;
  }>;
  return new Map(env.map((e) => [e.name, e.value]));
}

describe('the Helm chart and organization namespaces', function () {
  this.timeout(60_000);

  it('passes no limit by default', async () => {
    const env = envOf(await renderChart());
    expect(env.has('RESERVED_NAMESPACES')).to.equal(false);
    expect(env.has('ORG_NAMESPACE_PATTERN')).to.equal(false);
  });

  it('passes reserved namespaces and the pattern to the operator', async () => {
    const env = envOf(
      await renderChart({
        values: {
          organizations: {
            reservedNamespaces: ['istio-system', 'cert-manager'],
            namespacePattern: 'org-[a-z0-9-]+',
          },
        },
      }),
    );
    expect(env.get('RESERVED_NAMESPACES')).to.equal('istio-system,cert-manager');
    expect(env.get('ORG_NAMESPACE_PATTERN')).to.equal('org-[a-z0-9-]+');
  });

  it('refuses a reserved namespace that is not a namespace name', async () => {
    const err = await renderChart({
      values: { organizations: { reservedNamespaces: ['Not A Name'] } },
    }).catch((e: unknown) => e);
    expect(String(err)).to.match(/reservedNamespaces/);
  });
});
