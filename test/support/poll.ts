/** Waiting for objects in tests and benchmarks: a Ready check and a poll loop. */

/** True when the object's Ready condition is True. */
export function isReady(o: { status?: unknown } | undefined): boolean {
  const conditions = (o?.status as { conditions?: Array<{ type: string; status: string }> })
    ?.conditions;
  return !!conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Polls `fn` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function until(
  what: string,
  timeoutMs: number,
  fn: () => Promise<boolean>,
  everyMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`${what}: not done in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
