/**
 * Security scenario: finding 2 (migration text). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function sqlTextScenario(_suite: SecuritySuite): void {}
