/**
 * Security scenario: finding 4 (RBAC and admission policy). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function rbacScenario(_suite: SecuritySuite): void {}
