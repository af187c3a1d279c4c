/**
 * Fault injection for tests: failed requests (once, n times, or at a rate),
 * slow responses, dropped watches, compacted history; plus request counters
 * by verb and resource. Consulted by the HTTP layer before each request.
 */

/** A one-shot (or n-shot) failure rule. */
export interface FailNextRule {
  method?: string;
  /** Matches request paths starting with this (`/api/v1/namespaces/x/pods`). */
  pathPrefix?: string;
  status: 410 | 429 | 500;
  count?: number;
}

/** A random failure rule. */
export interface FailRateRule {
  /** Probability in [0, 1] that a matching request fails. */
  rate: number;
  statuses: Array<410 | 429 | 500>;
  /** Only these methods; all when omitted. */
  methods?: string[];
}

/** What the HTTP layer needs from the server to act on faults. */
export interface FaultTargets {
  closeWatches(): void;
  compactHistory(): void;
}

/** The fault controls a DevCluster exposes as `faults`. */
export interface FaultInjector {
  /** Ends every open watch now. */
  closeWatches(): void;
  /**
   * Ends every open watch every `ms` milliseconds until reset (0 stops). With
   * `compactHistory`, the watch history is forgotten first each time, so every
   * resume is answered 410 Gone and clients must re-list.
   */
  dropWatchesEvery(ms: number, opts?: { compactHistory?: boolean }): void;
  /** Fails the next `count` (default 1) matching requests with `status`. */
  failNext(rule: FailNextRule): void;
  /** Fails matching requests at random. */
  failRate(rule: FailRateRule): void;
  /** Delays every response by `ms`. */
  delay(ms: number): void;
  /** Forgets the watch history: watches resuming from an older version get 410. */
  compactHistory(): void;
  /** Removes every fault and zeroes the counters. */
  reset(): void;
  /** Requests so far, keyed `VERB resource` (e.g. `list pods`, `patch schemamigrations`). */
  counts(): Record<string, number>;
  /** Total requests so far (all verbs and resources). */
  total(): number;
  /**
   * Requests failed by an injected fault so far, keyed `METHOD path`
   * (`POST /api/v1/namespaces`): subtracted from `counts()`, what the server
   * really served.
   */
  injected(): Record<string, number>;
}

/** Decides, per request, whether and how to fail it. */
export class Faults implements FaultInjector {
  private nextRules: Array<Required<Pick<FailNextRule, 'status' | 'count'>> & FailNextRule> = [];
  private rateRule: FailRateRule | undefined;
  private delayMs = 0;
  private dropTimer: NodeJS.Timeout | undefined;
  private counters = new Map<string, number>();
  private injectedCounters = new Map<string, number>();

  constructor(
    private readonly targets: FaultTargets,
    private readonly random: () => number = Math.random,
  ) {}

  closeWatches(): void {
    this.targets.closeWatches();
  }

  dropWatchesEvery(ms: number, opts: { compactHistory?: boolean } = {}): void {
    if (this.dropTimer) clearInterval(this.dropTimer);
    const drop = (): void => {
      if (opts.compactHistory) this.targets.compactHistory();
      this.targets.closeWatches();
    };
    this.dropTimer = ms > 0 ? setInterval(drop, ms) : undefined;
    this.dropTimer?.unref();
  }

  failNext(rule: FailNextRule): void {
    this.nextRules.push({ ...rule, count: rule.count ?? 1 });
  }

  failRate(rule: FailRateRule): void {
    this.rateRule = rule;
  }

  delay(ms: number): void {
    this.delayMs = ms;
  }

  compactHistory(): void {
    this.targets.compactHistory();
  }

  reset(): void {
    this.nextRules = [];
    this.rateRule = undefined;
    this.delayMs = 0;
    this.dropWatchesEvery(0);
    this.counters.clear();
    this.injectedCounters.clear();
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.counters);
  }

  injected(): Record<string, number> {
    return Object.fromEntries(this.injectedCounters);
  }

  total(): number {
    let n = 0;
    for (const v of this.counters.values()) n += v;
    return n;
  }

  /** Counts one request. */
  record(verb: string, resource: string): void {
    const key = `${verb} ${resource}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  /** The delay to apply before answering. */
  get responseDelayMs(): number {
    return this.delayMs;
  }

  /** The status to fail this request with, or undefined to serve it. */
  failureFor(method: string, path: string): number | undefined {
    const status = this.pickFailure(method, path);
    if (status !== undefined) {
      const key = `${method} ${path}`;
      this.injectedCounters.set(key, (this.injectedCounters.get(key) ?? 0) + 1);
    }
    return status;
  }

  private pickFailure(method: string, path: string): number | undefined {
    const i = this.nextRules.findIndex(
      (r) =>
        (!r.method || r.method.toUpperCase() === method) &&
        (!r.pathPrefix || path.startsWith(r.pathPrefix)),
    );
    if (i >= 0) {
      const rule = this.nextRules[i]!;
      rule.count--;
      if (rule.count <= 0) this.nextRules.splice(i, 1);
      return rule.status;
    }
    const rate = this.rateRule;
    if (rate && (!rate.methods || rate.methods.includes(method)) && this.random() < rate.rate) {
      return rate.statuses[Math.floor(this.random() * rate.statuses.length)];
    }
    return undefined;
  }

  /** Stops timers (when the server stops). */
  dispose(): void {
    this.dropWatchesEvery(0);
  }
}

/** The Status body of an injected failure. */
export function faultStatus(code: number): object {
  const reason = code === 410 ? 'Expired' : code === 429 ? 'TooManyRequests' : 'InternalError';
  const message =
    code === 410
      ? 'injected fault: the resource version is too old'
      : code === 429
        ? 'injected fault: too many requests, please try again later'
        : 'injected fault: an error on the server ("internal error") has prevented the request from succeeding';
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(code === 429 ? { details: { retryAfterSeconds: 1 } } : {}),
    code,
  };
}
