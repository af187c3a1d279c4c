import { expect } from 'chai';
import { loadCrds, type Crd } from '../../../src/api/index.js';
import { validate } from '../../support/validate.js';
import { runHealthScript } from '../../support/argocd/lua.js';
import { HEALTH_CHECKS, readCases, readInput, readScript } from '../../support/argocd/scripts.js';

for (const check of HEALTH_CHECKS) {
  describe(`the Argo CD health check of ${check.kind}`, () => {
    const script = readScript(check);
    const cases = readCases(check);

    for (const { inputPath, healthStatus } of cases) {
      it(`reports ${healthStatus.status} for ${inputPath}, saying "${healthStatus.message}"`, () => {
        const obj = readInput(check, inputPath);
        const got = runHealthScript({ script, obj, chunkName: check.scriptPath });
        expect(got).to.deep.equal(healthStatus);
      });
    }

    it(`has cases for ${check.statuses.join(', ')}`, () => {
      const seen = new Set(cases.map((c) => c.healthStatus.status));
      expect([...seen].sort()).to.deep.equal([...check.statuses].sort());
    });

    it('says what the resource waits for in every case that is not Healthy', () => {
      for (const { healthStatus } of cases.filter((c) => c.healthStatus.status !== 'Healthy')) {
        expect(healthStatus.message).to.match(/waiting for/i);
      }
    });

    describe('fixtures', () => {
      let crd: Crd;
      before(async () => {
        crd = (await loadCrds()).find((c) => c.spec.names.kind === check.kind)!;
      });

      for (const { inputPath } of cases) {
        it(`${inputPath} is a valid ${check.kind} by the CRD's schema`, () => {
          const obj = readInput(check, inputPath);
          expect(obj).to.include({
            apiVersion: 'schema.streamspace.io/v1alpha1',
            kind: check.kind,
          });
          expect(crd, `a CRD of kind ${check.kind} in crds/`).not.to.equal(undefined);
          const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
          expect(validate(schema, obj)).to.deep.equal([]);
        });
      }
    });
  });
}
