/**
 * Test support: where the Argo CD health checks and their fixtures live, and
 * how to read them. The fixtures follow Argo CD's own layout for built-in
 * checks (resource_customizations/<group>/<kind>/health_test.yaml beside
 * testdata/), so a check could be offered upstream unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GROUP, ORGANIZATION, SCHEMA_MIGRATION, packageRoot } from '../../../src/api/index.js';
import type { HealthCode } from './lua.js';

/** One shipped health check. */
export interface HealthCheck {
  kind: string;
  /** The argocd-cm data key Argo CD reads it from. */
  configMapKey: string;
  /** The Lua file, relative to the package root. */
  scriptPath: string;
  /** The directory holding health_test.yaml and testdata/. */
  fixtureDir: string;
  /** Every health status the check can report (its fixtures must show each). */
  statuses: readonly HealthCode[];
}

/** One row of a health_test.yaml, as Argo CD writes them. */
export interface HealthCase {
  inputPath: string;
  healthStatus: { status: HealthCode; message: string };
}

const WITH_SUSPENDED: readonly HealthCode[] = ['Degraded', 'Healthy', 'Progressing', 'Suspended'];

/** The three health checks, SchemaMigration first; an OrganizationClass is never Suspended. */
export const HEALTH_CHECKS: readonly HealthCheck[] = (
  [
    { kind: SCHEMA_MIGRATION.kind, statuses: WITH_SUSPENDED },
    { kind: ORGANIZATION.kind, statuses: WITH_SUSPENDED },
    { kind: 'OrganizationClass', statuses: ['Degraded', 'Healthy', 'Progressing'] },
  ] satisfies Array<Pick<HealthCheck, 'kind' | 'statuses'>>
).map(({ kind, statuses }) => ({
  kind,
  configMapKey: `resource.customizations.health.${GROUP}_${kind}`,
  scriptPath: join('argocd', 'health', `${GROUP}_${kind}.lua`),
  fixtureDir: join(packageRoot(), 'test', 'fixtures', 'argocd', GROUP, kind),
  statuses,
}));

/** The Lua source of `check`. */
export function readScript(check: HealthCheck): string {
  return readFileSync(join(packageRoot(), check.scriptPath), 'utf8');
}

/** The cases of `check`'s health_test.yaml (its `tests:` list). */
export function readCases(check: HealthCheck): HealthCase[] {
  const doc = parse(readFileSync(join(check.fixtureDir, 'health_test.yaml'), 'utf8')) as {
    tests: HealthCase[];
  };
  return doc.tests;
}

/** The object a case's inputPath names. */
export function readInput(check: HealthCheck, inputPath: string): Record<string, unknown> {
  return parse(readFileSync(join(check.fixtureDir, inputPath), 'utf8')) as Record<string, unknown>;
}
