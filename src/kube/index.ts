/**
 * The thin Kubernetes layer: everything above `src/kube/` imports from here
 * and never from @kubernetes/client-node.
 */
export * from './errors.js';
export { translateError, errorFromStatus, parseRetryAfter } from './translate.js';
export * from './config.js';
export * from './transport.js';
export * from './resource-client.js';
export * from './objects.js';
export * from './metadata.js';
export * from './clock.js';
export * from './rate-limiter.js';
export * from './metrics.js';
export * from './workqueue.js';
export * from './controller.js';
export * from './cache.js';
export * from './informer.js';
export * from './micro-time.js';
export * from './lease-store.js';
export * from './leader-election.js';
export * from './events.js';
export * from './patch.js';
export * from './manager.js';
export * from './client.js';
export * from './preflight.js';
