/**
 * Security scenario: findings 6 (claims by CRs that never connected). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function claimsScenario(_suite: SecuritySuite): void {}
