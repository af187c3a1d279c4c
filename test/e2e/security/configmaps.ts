/**
 * Security scenario: findings 5 and 9 (ConfigMaps and Secrets). Filled in by the work on issue #13.
 */
import type { SecuritySuite } from './harness.js';

/** Registers the scenario. */
export function configMapsScenario(_suite: SecuritySuite): void {}
