/**
 * The metric names a PromQL query reads, by Prometheus's own grammar
 * (@prometheus-io/lezer-promql, the parser of Prometheus's web UI).
 */
import { parser } from '@prometheus-io/lezer-promql';

/** The names of every vector selector of `expr`; throws when `expr` does not parse. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.add(expr.slice(node.from, node.to));
    },
  });
  if (errors.length) throw new Error(`PromQL does not parse at ${errors[0]}: ${expr}`);
  return [...names].sort();
}

/** The metric families a `/metrics` text exports, with the `_bucket`/`_sum`/`_count` series of histograms and summaries. */
export function exportedNames(exposition: string): Set<string> {
  const out = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m;
    out.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(name! + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) out.add(name! + s);
  }
  return out;
}
