/** What `kubectl schema approve` shows before it asks: the waiting plan as status holds it. */
import type { SchemaMigration, SchemaMigrationStatusPlan } from '../../api/index.js';

/** The plan, one line each for its range, files and risky findings. */
export function planLines(obj: SchemaMigration, plan: SchemaMigrationStatusPlan): string[] {
  const where = `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
  const range = `from ${plan.from ?? '(empty ledger)'} to ${plan.target ?? 'the newest'}`;
  const files = plan.files ?? [];
  const findings = plan.findings ?? [];
  return [
    `plan ${plan.hash} of ${where} waits for approval (${range}):`,
    ...files.map((f) => `  ${f.version} ${f.name}`),
    ...(files.length === 0 ? ['  (no files listed)'] : []),
    findings.length === 0 ? 'risky findings: none' : `risky findings: ${findings.length}`,
    ...findings.map((f) => {
      const size = [
        f.table,
        f.estimatedRows !== undefined ? `~${f.estimatedRows} rows` : undefined,
        f.lock ? `lock ${f.lock}` : undefined,
      ].filter(Boolean);
      return `  ${f.file}:${f.line}: ${f.rule}: ${f.message}${size.length ? ` (${size.join(', ')})` : ''}`;
    }),
  ];
}
