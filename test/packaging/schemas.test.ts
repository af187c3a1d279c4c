/**
 * Every object the install artifacts render, and every file of examples/ and
 * argocd/, checked against the schema the API server would use
 * (test/packaging/schemas.ts says which schema for which kind, and what each
 * checks). The second half breaks valid objects on purpose and shows each
 * break is found, so a passing first half means something.
 */
import { expect } from 'chai';
import {
  ALL_OPTIONS,
  objectsOf,
  renderChart,
  renderKustomize,
  yamlFilesUnder,
  type Obj,
} from '../support/packaging/render.js';
import { loadSchemaCheck, type SchemaCheck } from '../support/packaging/schemas.js';

/** [what, its objects, kinds it must contain (so the check covers them)] */
const SOURCES: Array<[string, () => Promise<Obj[]>, string[]]> = [
  [
    'kubectl kustomize manifests/',
    renderKustomize,
    ['CustomResourceDefinition', 'Namespace', 'Deployment', 'ClusterRole', 'Service'],
  ],
  [
    'helm template with default values',
    () => renderChart(),
    ['CustomResourceDefinition', 'Deployment', 'Role', 'ServiceAccount'],
  ],
  [
    'helm template with every option on',
    () => renderChart({ values: ALL_OPTIONS }),
    [
      'ServiceMonitor',
      'PrometheusRule',
      'ConfigMap',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'Deployment',
    ],
  ],
  [
    'helm template with one replica and no leader election',
    () => renderChart({ values: { replicaCount: 1, leaderElection: { enabled: false } } }),
    ['Deployment'],
  ],
  ...[...yamlFilesUnder('examples'), ...yamlFilesUnder('argocd')].map(
    (file): [string, () => Promise<Obj[]>, string[]] => [file, async () => objectsOf(file), []],
  ),
];

const label = (o: Obj): string => `${o.kind}/${o.metadata?.name}`;

describe('rendered objects against the Kubernetes, CRD and third-party schemas', function () {
  this.timeout(120_000);
  let check: SchemaCheck;
  before(async () => {
    check = await loadSchemaCheck();
  });

  it('covers the examples: organizations, their default class, SchemaMigrations, the app of apps', () => {
    const files = yamlFilesUnder('examples');
    for (const f of [
      'examples/organizations.yaml',
      'examples/organizationclass.yaml',
      'examples/streamspace-schemamigration.yaml',
      'examples/argocd-app-of-apps.yaml',
      'examples/argocd-application.yaml',
    ])
      expect(files).to.include(f);
  });

  for (const [what, objects, kinds] of SOURCES) {
    it(`finds no schema problem in ${what}`, async () => {
      const objs = await objects();
      expect(objs.length, what).to.be.above(0);
      expect(objs.map((o) => o.kind)).to.include.members(kinds);
      const problems = objs.flatMap((o) => check(o).map((p) => `${label(o)}: ${p}`));
      expect(problems).to.deep.equal([]);
    });
  }

  describe('finds a deliberately broken object', () => {
    /** The first object of `kind` in `objs`, as an independent copy. */
    const first = (objs: Obj[], kind: string): Obj =>
      structuredClone(objs.find((o) => o.kind === kind)!);
    let chart: Obj[];
    let everything: Obj[];
    before(async () => {
      chart = await renderChart();
      everything = await renderChart({ values: ALL_OPTIONS });
    });
    const example = (file: string, kind: string) => () => first(objectsOf(file), kind);
    const fromChart = (kind: string) => () => first(chart, kind);
    const fromEverything = (kind: string) => () => first(everything, kind);

    /** [what, a valid object, how to break it, what the problem must say] */
    const cases: Array<[string, () => Obj, (o: Obj) => void, RegExp]> = [
      [
        'a Deployment whose replicas is a string',
        fromChart('Deployment'),
        (o) => (o.spec.replicas = 'two'),
        /spec\/replicas must be integer/,
      ],
      [
        'a Deployment without a selector',
        fromChart('Deployment'),
        (o) => delete o.spec.selector,
        /spec must have required property 'selector'|required property selector/,
      ],
      [
        'a container field spelt wrong',
        fromChart('Deployment'),
        (o) => (o.spec.template.spec.containers[0].imagePullPolice = 'Always'),
        /unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolice"/,
      ],
      [
        'a probe port that is neither a number nor a string',
        fromChart('Deployment'),
        (o) => (o.spec.template.spec.containers[0].livenessProbe.httpGet.port = { name: 'http' }),
        /livenessProbe\/httpGet\/port/,
      ],
      [
        'an RBAC rule without verbs',
        fromChart('ClusterRole'),
        (o) => delete o.rules[0].verbs,
        /rules\/0 must have required property 'verbs'|required property verbs/,
      ],
      [
        'a Service port that is not a number',
        fromChart('Service'),
        (o) => (o.spec.ports[0].port = 'eighty'),
        /spec\/ports\/0\/port must be integer/,
      ],
      [
        'a PodDisruptionBudget with an unknown spec field',
        fromEverything('PodDisruptionBudget'),
        (o) => (o.spec.minAvaliable = 1),
        /unknown field "spec\.minAvaliable"/,
      ],
      [
        'a SchemaMigration with a misspelt spec field',
        example('examples/streamspace-schemamigration.yaml', 'SchemaMigration'),
        (o) => (o.spec.databse = o.spec.database),
        /unknown field "spec\.databse"/,
      ],
      [
        'a SchemaMigration without its database',
        example('examples/streamspace-schemamigration.yaml', 'SchemaMigration'),
        (o) => delete o.spec.database,
        /spec\.database: Required value/,
      ],
      [
        'an Organization in a reserved namespace (the CRD CEL rule)',
        example('examples/organizations.yaml', 'Organization'),
        (o) => (o.spec.namespace = 'kube-system'),
        /namespace must not be a reserved namespace/,
      ],
      [
        'an Organization with an unknown deletionPolicy',
        example('examples/organizations.yaml', 'Organization'),
        (o) => (o.spec.deletionPolicy = 'Destroy'),
        /spec\.deletionPolicy: Unsupported value: "Destroy"/,
      ],
      [
        'a ServiceMonitor whose interval is not a duration',
        fromEverything('ServiceMonitor'),
        (o) => (o.spec.endpoints[0].interval = 'often'),
        /endpoints\/0\/interval must match pattern/,
      ],
      [
        'a ServiceMonitor without endpoints or selector',
        fromEverything('ServiceMonitor'),
        (o) => (o.spec = {}),
        /required property 'selector'|required property selector/,
      ],
      [
        'an Argo CD Application without a destination',
        example('examples/argocd-application.yaml', 'Application'),
        (o) => delete o.spec.destination,
        /required property 'destination'|required property destination/,
      ],
      [
        'an Argo CD Application whose source path is not a string',
        example('examples/argocd-app-of-apps.yaml', 'Application'),
        (o) => (o.spec.source.path = ['examples']),
        /spec\/source\/path must be string/,
      ],
      [
        'a kind with no known schema',
        fromChart('Deployment'),
        (o) => (o.kind = 'Deploymnet'),
        /no schema for apps\/v1\/Deploymnet/,
      ],
    ];

    for (const [what, valid, breakIt, says] of cases) {
      it(`${what}, and passes it unbroken`, () => {
        const obj = valid();
        expect(check(obj), 'the unbroken object').to.deep.equal([]);
        breakIt(obj);
        const problems = check(obj);
        expect(problems.join('\n')).to.match(says);
      });
    }
  });
});
