import { expect } from 'chai';
import type { Organization, OrganizationClass } from '../../../src/api/index.js';
import { classKeyOf, classOf, DEFAULT_CLASS_KEY } from '../../../src/controllers/class-of.js';

function cls(name: string): OrganizationClass {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'OrganizationClass',
    metadata: { name },
  };
}

function org(className?: string): Organization {
  return {
    apiVersion: 'schema.streamspace.io/v1alpha1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: { displayName: 'Acme', ...(className ? { className } : {}) },
  };
}

describe('class-of: the class an organization uses', () => {
  const classes = new Map([
    ['gold', cls('gold')],
    ['std', cls('std')],
  ]);
  const lookup = (defaults: string[]) => ({
    get: (n: string) => classes.get(n),
    defaults: () => defaults.map((n) => classes.get(n)!),
  });
  const cases: Array<[string, string | undefined, string[], string]> = [
    ['uses the class it names, default or not', 'gold', ['std'], 'class gold'],
    ['reports a named class that does not exist', 'silver', [], 'not-found silver'],
    ['uses the one default without className', undefined, ['std'], 'class std'],
    ['uses none without className and without a default', undefined, [], 'none'],
    ['picks none of two defaults', undefined, ['std', 'gold'], 'ambiguous gold,std'],
  ];
  for (const [name, className, defaults, want] of cases)
    it(name, () => {
      const c = classOf(org(className), lookup(defaults));
      const got =
        c.kind === 'class'
          ? `class ${c.class.metadata.name}`
          : c.kind === 'not-found'
            ? `not-found ${c.name}`
            : c.kind === 'ambiguous'
              ? `ambiguous ${c.names.join(',')}`
              : c.kind;
      expect(got).to.equal(want);
    });

  it('indexes an org without className under the default key', () => {
    expect(classKeyOf(org())).to.equal(DEFAULT_CLASS_KEY);
    expect(classKeyOf(org('gold'))).to.equal('gold');
  });
});
