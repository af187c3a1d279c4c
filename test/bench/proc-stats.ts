/**
 * Resource use of a child process read from /proc, as `ps` and `top` do:
 * resident memory (VmRSS sampled, and the kernel's own high-water mark
 * VmHWM) and CPU time (utime + stime of /proc/PID/stat, in clock ticks).
 * Linux only, like the rest of the benchmarks.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every Linux we run on). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing paren are plain.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** A `VmXXX:` line of /proc/PID/status in MiB. */
function statusMiB(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key}:`));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

/** What a sampler saw between its start and `stop()`. */
export interface ProcUsage {
  /** The larger of the highest sampled VmRSS and VmHWM, MiB. */
  peakRssMiB: number;
  /** CPU seconds used between start and stop. */
  cpuSeconds: number;
}

/** Samples VmRSS of `pid` every `everyMs` until `stop()`; CPU is counted from now. */
export function sampleProcess(pid: number, everyMs = 250): { stop(): ProcUsage } {
  const cpu0 = cpuSeconds(pid);
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, statusMiB(pid, 'VmRSS'));
    } catch {
      // The process is gone; what was sampled stands.
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return {
        peakRssMiB: Math.max(peak, statusMiB(pid, 'VmHWM')),
        cpuSeconds: cpuSeconds(pid) - cpu0,
      };
    },
  };
}

/** The fields after the command name of /proc/PID/stat (field 3 on), or null when gone. */
function statFields(pid: string | number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by the PostgreSQL server listening on `port`: its
 * postmaster (found by the `-p PORT` of its command line), the children
 * still running (backends, autovacuum, checkpointer...), and the children
 * it has reaped (cutime + cstime), so a backend that exits keeps counting.
 */
export function serverCpuSeconds(port: number): number {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const postmaster = pids.find((p) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('-p');
      return at >= 0 && argv[at + 1] === String(port) && argv[0]!.endsWith('postgres');
    } catch {
      return false;
    }
  });
  if (!postmaster) return 0;
  let ticks = 0;
  for (const p of pids) {
    const f = statFields(p);
    if (!f) continue;
    // Field 4 is the parent's PID; 14-17 utime, stime, cutime, cstime.
    if (p === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    else if (f[1] === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / CLK_TCK;
}
