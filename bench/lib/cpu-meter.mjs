// CPU time by part of the system, read from /proc: where a sale's CPU goes when every part
// shares the same cores. Exited children (postgres backends) count in their parent.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14–17 of stat; 12–15 after the comm.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { comm, seconds: ticks / TICKS_PER_SECOND };
  } catch {
    return null; // gone between listing and reading
  }
}

/** Seconds of CPU per part; `named` maps pids to names (services), the rest go by command. */
export function cpuSnapshot(named) {
  const parts = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cpu = cpuOf(entry);
    if (!cpu) continue;
    const part =
      named[entry] ??
      { java: 'kafka', ferretdb: 'ferretdb', postgres: 'postgres', 'nats-server': 'nats' }[
        cpu.comm
      ] ??
      'other';
    parts[part] = (parts[part] ?? 0) + cpu.seconds;
  }
  return parts;
}

/** Microseconds of CPU per unit of work between two snapshots, by part, with the total. */
export function cpuPerUnit(before, after, units) {
  const perUnit = {};
  let total = 0;
  for (const part of Object.keys(after)) {
    const seconds = after[part] - (before[part] ?? 0);
    if (seconds <= 0) continue;
    perUnit[part] = Math.round((seconds * 1e6) / units);
    total += perUnit[part];
  }
  return { ...perUnit, total };
}
