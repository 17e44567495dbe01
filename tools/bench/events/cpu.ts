// CPU time per process group from /proc (Linux), so a run can say where each event's CPU went:
// on a shared 2-core machine that is steadier than throughput, which moves with other load.
import { readdirSync, readFileSync } from 'node:fs';

const USER_HZ = 100;

function ticks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0; // gone, or no /proc
  }
}

/** The first process whose command line matches, if any. */
export function findProcess(match: (cmdline: string) => boolean): number | undefined {
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (match(readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' '))) return Number(d);
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

export type CpuSnapshot = Map<number, { group: string; ticks: number }>;

export function snapshot(groups: Record<string, number[]>): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  for (const [group, pids] of Object.entries(groups)) for (const pid of pids) out.set(pid, { group, ticks: ticks(pid) });
  return out;
}

/** Microseconds of CPU per event by group between two snapshots (a pid new in `after` counts from zero). */
export function perEvent(before: CpuSnapshot, after: CpuSnapshot, events: number): Record<string, number> {
  const us: Record<string, number> = {};
  for (const [pid, a] of after) {
    const used = a.ticks - (before.get(pid)?.ticks ?? 0);
    us[a.group] = (us[a.group] ?? 0) + (used / USER_HZ / events) * 1e6;
  }
  return us;
}
