/**
 * Security scenario: findings 1 and 11 (database URL, redaction). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function databaseUrlScenario(_suite: SecuritySuite): void {}
