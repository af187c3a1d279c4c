/**
 * Security scenario: findings 7, 8 and 11 (Organizations). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function organizationsScenario(_suite: SecuritySuite): void {}
