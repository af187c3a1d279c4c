/**
 * Security scenario: findings 3, 10 and 11 (workers, deadlines, bounds). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function workersScenario(_suite: SecuritySuite): void {}
