/** Logging, metrics and the health server. */
export * from './logger.js';
export * from './redact.js';
export * from './metrics.js';
export * from './health-server.js';
