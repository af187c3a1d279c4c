/**
 * `npm run gen:metrics-doc`: writes the metrics reference of
 * docs/observability.md from the operator's registry, between the
 * `metrics-reference` markers. test/docs/observability.test.ts renders the
 * same table and fails when the committed doc differs, so the reference
 * cannot drift from the code. Uses prettier (a dev dependency): only
 * development tools import this module.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { packageRoot } from '../../src/api/crds.js';
import { OperatorMetrics } from '../../src/observability/metrics.js';

/** The doc holding the reference, relative to the package root. */
export const OBSERVABILITY_DOC = 'docs/observability.md';
const BEGIN = '<!-- metrics-reference:begin (npm run gen:metrics-doc) -->';
const END = '<!-- metrics-reference:end -->';

/** The markdown table of every operator metric (without the process metrics, documented by prom-client). */
export async function metricsTable(): Promise<string> {
  const registry = new OperatorMetrics({ processMetrics: false }).registry;
  // The JSON form has the type, the metric objects the label names.
  const labels = new Map(
    registry
      .getMetricsAsArray()
      .map((m) => [m.name, (m as { labelNames?: string[] }).labelNames ?? []]),
  );
  const rows = (await registry.getMetricsAsJSON())
    .map((m) => {
      const names = (labels.get(m.name) ?? []).map((l) => `\`${l}\``).join(', ');
      return `| \`${m.name}\` | ${m.type} | ${names} | ${m.help.replaceAll('|', '\\|')} |`;
    })
    .sort();
  return ['| Metric | Type | Labels | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** `doc` with the text between the markers replaced by `table`; throws when a marker is missing. */
export function withTable(doc: string, table: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`${OBSERVABILITY_DOC}: metrics-reference markers missing`);
  return `${doc.slice(0, start + BEGIN.length)}\n\n${table}\n\n${doc.slice(end)}`;
}

/** The doc `doc` (at `file`) with a fresh reference, formatted as prettier leaves the repository's markdown. */
export async function renderDoc(doc: string, file: string): Promise<string> {
  const config = (await resolveConfig(file)) ?? {};
  return format(withTable(doc, await metricsTable()), { ...config, filepath: file });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = join(packageRoot(), OBSERVABILITY_DOC);
  await writeFile(file, await renderDoc(await readFile(file, 'utf8'), file));
}
