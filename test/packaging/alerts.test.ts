/**
 * The alerts and the dashboard: the rules checked and unit-tested by
 * Prometheus's promtool (Debian's `prometheus` package; .ci/run installs it),
 * the chart and the kustomize components carrying the same rules and
 * dashboard as the chart's files/, every runbook link landing on a section,
 * and every metric a dashboard query reads exported by a running operator.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { ALL_OPTIONS, ROOT, renderChart, type Obj } from '../support/packaging/render.js';
import { exportedNames, metricNames } from '../support/observability/promql.js';
import { useOperatorEnv } from '../support/operator.js';
import { http, until } from '../support/spawned.js';

const exec = promisify(execFile);
const RULES = join(ROOT, 'helm/schema-operator/files/prometheus-rules.yaml');
const DASHBOARD = join(ROOT, 'helm/schema-operator/files/grafana-dashboard.json');
const FIXTURES = join(ROOT, 'test/fixtures/prometheus');
const COMPONENTS = join(ROOT, 'manifests/components');

interface Rule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const rulesOf = (spec: Obj): Rule[] => (spec.groups as { rules: Rule[] }[]).flatMap((g) => g.rules);
const source = (): Obj => parse(readFileSync(RULES, 'utf8')) as Obj;

/** promtool with `args`; exit code and output together. */
async function promtool(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await exec('promtool', args, { cwd: ROOT });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: `${err.stdout}${err.stderr}` };
  }
}

/** GitHub's anchor of a markdown heading. */
const anchor = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');

describe('the alerts (PrometheusRule)', function () {
  this.timeout(120_000);

  it('pass promtool check rules', async () => {
    const r = await promtool('check', 'rules', RULES);
    expect(r.code, r.out).to.equal(0);
    expect(r.out).to.contain(`SUCCESS: ${rulesOf(source()).length} rules found`);
  });

  it('pass promtool test rules, with a firing and a quiet case for every alert', async () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.test.yaml'));
    const tested = new Set<string>();
    for (const f of files) {
      const cases = parse(readFileSync(join(FIXTURES, f), 'utf8')) as {
        tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      const evals = cases.tests.flatMap((t) => t.alert_rule_test);
      for (const e of evals) {
        const quiet = evals.some((x) => x.alertname === e.alertname && x.exp_alerts.length === 0);
        const fires = evals.some((x) => x.alertname === e.alertname && x.exp_alerts.length > 0);
        expect(quiet && fires, `${f}: ${e.alertname} fires and stays quiet`).to.equal(true);
        tested.add(e.alertname);
      }
    }
    expect([...tested].sort()).to.deep.equal(
      rulesOf(source())
        .map((r) => r.alert)
        .sort(),
    );
    const r = await promtool('test', 'rules', ...files.map((f) => join(FIXTURES, f)));
    expect(r.code, r.out).to.equal(0);
  });

  it('notices an alert that does not fire as its test says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-operator-rules-'));
    try {
      const spec = source();
      for (const r of rulesOf(spec))
        if (r.alert === 'SchemaDrift') r.expr = 'schema_operator_schema_drift == 2';
      writeFileSync(join(dir, 'rules.yaml'), stringify(spec));
      const test = parse(readFileSync(join(FIXTURES, 'schema-drift.test.yaml'), 'utf8')) as Obj;
      test.rule_files = ['rules.yaml'];
      writeFileSync(join(dir, 'drift.test.yaml'), stringify(test));
      const r = await promtool('test', 'rules', join(dir, 'drift.test.yaml'));
      expect(r.code, r.out).not.to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carry a severity, a summary, a description and a runbook section each', () => {
    const runbook = readFileSync(join(ROOT, 'docs/runbook.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!)));
    for (const r of rulesOf(source())) {
      expect(r.labels.severity, r.alert).to.be.oneOf(['critical', 'warning']);
      expect(r.annotations.summary, r.alert).to.be.a('string').with.length.above(0);
      expect(r.annotations.description, r.alert).to.be.a('string').with.length.above(0);
      const m = /^docs\/runbook\.md#(.+)$/.exec(r.annotations.runbook_url ?? '');
      expect(m, `${r.alert}: ${r.annotations.runbook_url}`).not.to.equal(null);
      expect(anchors, `${r.alert}: a runbook section #${m![1]}`).to.include(m![1]);
    }
  });

  it("are the chart's PrometheusRule, with the runbook links under runbookBaseUrl", async () => {
    expect(await renderChart()).to.satisfy((objs: Obj[]) =>
      objs.every((o) => o.kind !== 'PrometheusRule'),
    );
    const objs = await renderChart({ values: ALL_OPTIONS });
    const rule = objs.find((o) => o.kind === 'PrometheusRule')!;
    expect(rule.metadata.labels.release).to.equal('prometheus');
    const expected = source();
    for (const r of rulesOf(expected))
      r.annotations.runbook_url = r.annotations.runbook_url!.replace(
        'docs/runbook.md',
        ALL_OPTIONS.prometheusRule.runbookBaseUrl as string,
      );
    expect(rule.spec).to.deep.equal(expected);
  });

  it("are the kustomize component's PrometheusRule", () => {
    const obj = parse(
      readFileSync(join(COMPONENTS, 'prometheus-rule/prometheus-rule.yaml'), 'utf8'),
    ) as Obj;
    expect(obj.kind).to.equal('PrometheusRule');
    expect(obj.spec).to.deep.equal(source());
  });
});

describe('the Grafana dashboard', function () {
  this.timeout(120_000);
  const dashboard = (): Obj => JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Obj;
  const queries = (): string[] =>
    (dashboard().panels as Obj[]).flatMap((p) => (p.targets as Obj[]).map((t) => t.expr as string));

  it("is the chart's ConfigMap, with the sidecar label, and the kustomize component's file", async () => {
    const objs = await renderChart({ values: ALL_OPTIONS });
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-dashboard'))!;
    expect(cm.metadata.namespace).to.equal('monitoring');
    expect(cm.metadata.labels.grafana_dashboard).to.equal('1');
    expect(JSON.parse(cm.data['schema-operator.json'] as string)).to.deep.equal(dashboard());
    expect(
      readFileSync(join(COMPONENTS, 'grafana-dashboard/schema-operator.json'), 'utf8'),
    ).to.equal(readFileSync(DASHBOARD, 'utf8'));
  });

  it('has one query at least per panel, each parsed by the PromQL grammar', () => {
    for (const p of dashboard().panels as Obj[]) expect(p.targets, p.title).to.have.length.above(0);
    for (const q of queries()) expect(metricNames(q), q).to.have.length.above(0);
  });

  describe('against a running operator', () => {
    const env = useOperatorEnv({ leaderElect: true });

    it('reads only metrics the operator exports', async () => {
      // "started" is logged once the servers listen, after the process said "starting".
      await env.operators[0]!.waitForLog((l) => l.message === 'schema-operator started', 20_000);
      const text = env.operators[0]!.output();
      const url = /"healthUrl":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(text)?.[1];
      expect(url, 'the health URL in the start-up log').to.be.a('string');
      // The leader gauge appears once the Lease is won.
      const exposition = await until(
        async () => {
          const body = (await http(`${url}/metrics`)).text;
          return /^leader_election_master_status\{[^}]*\} 1$/m.test(body) ? body : undefined;
        },
        { timeoutMs: 20_000, what: 'the operator leading' },
      );
      const exported = exportedNames(exposition);
      const read = new Set(queries().flatMap(metricNames));
      const missing = [...read].filter((n) => !exported.has(n));
      expect(missing).to.deep.equal([]);
    });
  });
});
