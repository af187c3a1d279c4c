import { expect } from 'chai';
import { progress } from '../../../src/cli/progress.js';
import { ConnectionError, type Migration, type Plan } from '../../../src/engine/index.js';

const m = { version: '002', name: 'users' } as Migration;

/** Runs `fn` with stderr captured and not a terminal; returns what was written. */
async function captured(fn: () => Promise<void>): Promise<string> {
  const stderr = process.stderr;
  const write = stderr.write;
  const tty = Object.getOwnPropertyDescriptor(stderr, 'isTTY');
  let out = '';
  Object.defineProperty(stderr, 'isTTY', { value: false, configurable: true });
  stderr.write = ((s: string) => ((out += s), true)) as typeof stderr.write;
  try {
    await fn();
  } finally {
    stderr.write = write;
    if (tty) Object.defineProperty(stderr, 'isTTY', tty);
    else delete (stderr as { isTTY?: boolean }).isTTY;
  }
  return out;
}

describe('CLI progress', () => {
  it('writes one line per event to stderr when it is not a terminal', async () => {
    const out = await captured(async () => {
      const p = await progress({ quiet: false });
      p.onLockBusy?.('pid 42 on host a');
      p.onLockBusy?.(null);
      p.onPlan?.({ pending: [m, m, m] } as unknown as Plan);
      p.onStart?.(m);
      p.onApplied?.(m, 12);
      p.onRetry?.(m, new ConnectionError('connection reset'), 2, 1234.4);
      p.onRetry?.(null, new ConnectionError('lock timeout'), 1, 99.6);
      p.stop();
    });
    expect(out.split('\n')).to.deep.equal([
      'waiting for the migration lock, held by pid 42 on host a',
      'waiting for the migration lock, held by another session',
      'applied 002_users (12 ms)',
      'retrying 002_users in 1234 ms (attempt 2): connection reset',
      'retrying the run in 100 ms (attempt 1): lock timeout',
      '',
    ]);
  });

  it('writes nothing when quiet', async () => {
    const out = await captured(async () => {
      const p = await progress({ quiet: true });
      p.onLockBusy?.(null);
      p.onApplied?.(m, 1);
      p.onRetry?.(m, new ConnectionError('x'), 1, 1);
      p.stop();
    });
    expect(out).to.equal('');
  });
});
