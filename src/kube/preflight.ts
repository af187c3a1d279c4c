/**
 * The start-up check of the operator: does the API server answer at all?
 *
 * An operator that cannot reach the API when it starts exits with one clear
 * line instead of running on with informers retrying in the background.
 * At start nothing is in flight, so exiting loses nothing; the cause is
 * nearly always configuration (wrong server, kubeconfig, network policy),
 * which a user running `schema-operator run` wants to see at once; in a pod,
 * the kubelet restarts the container with its own exponential backoff and
 * the restart count and CrashLoopBackOff make the fault visible, where a
 * process that retries quietly would look Running. controller-runtime
 * behaves the same way: its manager fails when the first discovery or cache
 * sync cannot reach the server. Once the operator has started, outages are
 * ridden out with backoff (informers re-list, the leader gives up the lease
 * after its renew deadline), since then work is in flight.
 */
import { realClock, type Clock } from './clock.js';
import type { KubeClient } from './client.js';
import { UnavailableError } from './errors.js';

/** Options of {@link checkApiReachable}. */
export interface PreflightOptions {
  /** Tries before giving up (default 5): a short blip at start is ridden out. */
  attempts?: number;
  /** Pause between tries (default 1 s). */
  delayMs?: number;
  /** Give up on one try after this long (default 5 s): a black-holed address never answers. */
  timeoutMs?: number;
  clock?: Clock;
}

/**
 * Resolves once `GET /version` answers. Throws `UnavailableError` naming the
 * server and the number of tries when it never does; other failures (401,
 * 403) are thrown at once, since retrying cannot fix them.
 */
export async function checkApiReachable(
  client: KubeClient,
  opts: PreflightOptions = {},
): Promise<void> {
  const attempts = opts.attempts ?? 5;
  const clock = opts.clock ?? realClock;
  const started = clock.now();
  for (let i = 1; ; i++) {
    try {
      await client.transport.request({
        method: 'GET',
        path: '/version',
        what: 'reaching the Kubernetes API server',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      });
      return;
    } catch (err) {
      if (!(err instanceof UnavailableError)) throw err;
      if (i >= attempts) {
        const secs = ((clock.now() - started) / 1000).toFixed(0);
        throw new UnavailableError(
          'Unavailable',
          `${err.message}; gave up after ${attempts} tries in ${secs} s`,
          { cause: err },
        );
      }
    }
    await clock.sleep(opts.delayMs ?? 1_000);
  }
}
