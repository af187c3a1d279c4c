/**
 * One entry point for callers above `src/kube/`: load the configuration and
 * get typed clients, without touching @kubernetes/client-node.
 */
import { kubeConfig, type KubeConfigOptions } from './config.js';
import { KubeTransport, type Transport } from './transport.js';
import { ResourceClient, type KubeObject, type ResourceRef } from './resource-client.js';

/** A connection to one cluster: hands out resource clients sharing one transport. */
export interface KubeClient {
  readonly transport: Transport;
  /** The API server URL. */
  readonly server: string;
  resource<T extends KubeObject>(ref: ResourceRef): ResourceClient<T>;
}

/** Builds a `KubeClient` from the usual configuration sources (see `kubeConfig`). No I/O. */
export function connect(opts: KubeConfigOptions = {}): KubeClient {
  return clientFor(new KubeTransport(kubeConfig(opts)));
}

/** A `KubeClient` over any transport (tests pass a fake). */
export function clientFor(transport: Transport): KubeClient {
  return {
    transport,
    server: transport.server,
    resource: <T extends KubeObject>(ref: ResourceRef) => new ResourceClient<T>(transport, ref),
  };
}
