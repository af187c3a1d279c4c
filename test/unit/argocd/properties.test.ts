import { expect } from 'chai';
import fc from 'fast-check';
import { runHealthScript, type HealthStatus } from '../../support/argocd/lua.js';
import { HEALTH_CHECKS, readScript, type HealthCheck } from '../../support/argocd/scripts.js';

/**
 * The rules of DESIGN section 6 checked on generated objects, shaped like
 * ours or not (any JSON in any place): the scripts never raise an error,
 * never answer Healthy or Degraded without the conditions that justify it,
 * and say what they wait for whenever they are not Healthy.
 */

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;

/** The condition the scripts find: the first of that type before a hole, as ipairs walks. */
function conditionOf(obj: unknown, type: string): Obj | undefined {
  const list = asObj(asObj(obj)?.status)?.conditions;
  if (typeof list !== 'object' || list === null) return undefined;
  for (const c of Array.isArray(list) ? list : []) {
    if (c === null || c === undefined) return undefined;
    if (asObj(c)?.type === type) return asObj(c);
  }
  return undefined;
}

const generationOf = (obj: unknown): unknown => asObj(asObj(obj)?.metadata)?.generation;
const statusCurrent = (obj: unknown): boolean =>
  generationOf(obj) !== undefined &&
  generationOf(obj) !== null &&
  asObj(asObj(obj)?.status)?.observedGeneration === generationOf(obj);
const isTrue = (c: Obj | undefined): boolean => c?.status === 'True';
const specOf = (obj: unknown): Obj | undefined => asObj(asObj(obj)?.spec);

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Any JSON, put where the scripts expect something else. */
const junk = fc.jsonValue({ maxDepth: 2 });
/** Mostly `good`, sometimes any JSON. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: junk });

/** The condition types and phases the operator writes, by kind (a class has no phase). */
const SHAPES: Record<string, { types: string[]; phases: Array<string | undefined> }> = {
  SchemaMigration: {
    types: ['Applied', 'Failed', 'Ready', 'Reconciling', 'Stalled'],
    phases: ['Pending', 'Applying', 'Applied', 'Failed'],
  },
  Organization: {
    types: ['Ready', 'NamespaceReady', 'DatabaseSynced', 'Suspended', 'Stalled'],
    phases: ['Active', 'Active', 'Pending', 'Suspended', 'Conflict', 'Terminating'],
  },
  OrganizationClass: { types: ['Ready', 'Stalled'], phases: [undefined] },
};

/** Objects of `check`'s kind as the operator could write them, generations mostly current. */
function plausible(check: HealthCheck): fc.Arbitrary<unknown> {
  const { types, phases } = SHAPES[check.kind]!;
  return fc.integer({ min: 1, max: 5 }).chain((gen) => {
    const someGeneration = fc.constantFrom(gen, gen, gen, gen - 1, undefined);
    const condition = (type: string) =>
      fc.record({
        type: fc.constant(type),
        status: fc.constantFrom('True', 'True', 'False', 'Unknown'),
        reason: fc.constantFrom(
          'Applied',
          'SQLError',
          'Conflict',
          'Suspended',
          'Applying',
          'OrganizationsFailing',
        ),
        message: fc.constantFrom('', 'some message'),
        observedGeneration: someGeneration,
      });
    const conditions = fc.subarray(types).chain((present) => fc.tuple(...present.map(condition)));
    return fc.record({
      metadata: fc.record({
        generation: fc.constant(gen),
        deletionTimestamp: fc.option(fc.constant('2025-06-01T10:00:00Z'), {
          nil: undefined,
          freq: 8,
        }),
      }),
      spec: fc.record({
        suspend: fc.constantFrom(true, false, false, undefined),
        suspended: fc.constantFrom(true, false, false, undefined),
      }),
      status: fc.option(
        fc.record({
          observedGeneration: someGeneration,
          phase: fc.constantFrom(...phases),
          namespace: maybe(fc.constant('acme')),
          organizations: maybe(
            fc.record({
              total: mostly(fc.nat(5)),
              applied: mostly(fc.nat(5)),
              failed: maybe(mostly(fc.nat(5))),
            }),
          ),
          conditions,
        }),
        { nil: undefined, freq: 8 },
      ),
    });
  });
}

/** Objects with anything in any place. */
function messy(): fc.Arbitrary<unknown> {
  const condition = fc.record({
    type: fc.constantFrom(
      'Ready',
      'Stalled',
      'Failed',
      'Reconciling',
      'Suspended',
      'DatabaseSynced',
    ),
    status: fc.constantFrom('True', 'False', 'Unknown'),
    reason: maybe(mostly(fc.constantFrom('Applying', 'OrganizationsFailing'))),
    message: maybe(junk),
    observedGeneration: maybe(mostly(fc.constantFrom(1, 2))),
  });
  const status = fc.record({
    observedGeneration: maybe(mostly(fc.constantFrom(1, 2))),
    phase: maybe(mostly(fc.constantFrom('Conflict', 'Suspended', 'Terminating'))),
    namespace: maybe(junk),
    organizations: maybe(mostly(fc.record({ total: maybe(junk), failed: maybe(junk) }))),
    conditions: maybe(mostly(fc.array(mostly(condition), { maxLength: 5 }))),
  });
  return mostly(
    fc.record({
      metadata: mostly(fc.record({ generation: maybe(mostly(fc.constantFrom(1, 2))) })),
      spec: mostly(fc.record({ suspend: maybe(junk), suspended: maybe(junk) })),
      status: maybe(mostly(status)),
    }),
  );
}

/** What a result of `check` must satisfy for `obj`; returns the broken rule or undefined. */
function brokenRule(check: HealthCheck, obj: unknown, got: HealthStatus): string | undefined {
  if (!['Healthy', 'Progressing', 'Degraded', 'Suspended'].includes(got.status))
    return 'status is one of Healthy, Progressing, Degraded, Suspended';
  if (got.message === '') return 'message is not empty';
  if (got.status !== 'Healthy' && !/waiting for/i.test(got.message))
    return 'message says what it waits for';
  const ready = conditionOf(obj, 'Ready');
  const readyGen = ready?.observedGeneration;
  if (got.status === 'Healthy') {
    if (!isTrue(ready)) return 'Healthy needs Ready=True';
    if (!statusCurrent(obj)) return 'Healthy needs status.observedGeneration == generation';
    if (readyGen !== undefined && readyGen !== null && readyGen !== generationOf(obj))
      return "Healthy needs the Ready condition's observedGeneration, when set, == generation";
  }
  const stalled = isTrue(conditionOf(obj, 'Stalled'));
  if (got.status === 'Degraded') {
    if (!statusCurrent(obj)) return 'Degraded needs status.observedGeneration == generation';
    const phase = asObj(asObj(obj)?.status)?.phase;
    if (check.kind === 'SchemaMigration' && !stalled) return 'Degraded needs Stalled=True';
    if (check.kind === 'Organization' && !stalled && phase !== 'Conflict')
      return 'Degraded needs Stalled=True or phase Conflict';
    if (
      check.kind === 'OrganizationClass' &&
      (ready?.status !== 'False' || ready.reason !== 'OrganizationsFailing')
    )
      return 'Degraded needs Ready=False with reason OrganizationsFailing';
  }
  if (got.status === 'Suspended' && check.kind === 'OrganizationClass')
    return 'an OrganizationClass is never Suspended';
  if (got.status === 'Suspended') {
    const field = check.kind === 'SchemaMigration' ? 'suspend' : 'suspended';
    if (specOf(obj)?.[field] !== true) return `Suspended needs spec.${field}`;
  }
  return undefined;
}

for (const check of HEALTH_CHECKS) {
  describe(`the Argo CD health check of ${check.kind} on generated objects`, () => {
    const script = readScript(check);

    it('never fails, and answers only as the rules allow', () => {
      fc.assert(
        fc.property(fc.oneof(plausible(check), messy()), (obj) => {
          const got = runHealthScript({ script, obj, chunkName: check.scriptPath });
          const rule = brokenRule(check, obj, got);
          expect(rule, `${rule} (got ${JSON.stringify(got)})`).to.equal(undefined);
        }),
        { numRuns: 300 },
      );
    });
  });
}
