import { writeSync } from 'node:fs';

/**
 * Failpoints: named places in the code where a fault test makes the process crash at an exact
 * moment instead of racing it with a timed SIGKILL. `FAILPOINTS=name[@n][,name[@n]…]` arms
 * each name to SIGKILL the process on its n-th pass (default the first). Honoured only when
 * NODE_ENV=test; the config refuses the variable anywhere else (`BaseConfig.FAILPOINTS`).
 */
const armed = parseFailpoints(process.env.NODE_ENV === 'test' ? process.env.FAILPOINTS : '');

export const FAILPOINT_PATTERN = /^([a-z0-9.-]+(@[1-9]\d*)?)(,[a-z0-9.-]+(@[1-9]\d*)?)*$/;

export function parseFailpoints(spec: string | undefined): Map<string, number> {
  const points = new Map<string, number>();
  for (const item of (spec ?? '').split(',').filter(Boolean)) {
    const [name, hit] = item.split('@');
    points.set(name!, hit ? Number(hit) : 1);
  }
  return points;
}

/** Crashes the process here, as SIGKILL would, when a test armed `name` and its pass has come. */
export function failpoint(name: string): void {
  const remaining = armed.get(name);
  if (remaining === undefined) return;
  if (remaining > 1) {
    armed.set(name, remaining - 1);
    return;
  }
  // Written synchronously: nothing after this line runs, as in a real crash.
  writeSync(2, `[failpoint] ${name}: the process stops here (SIGKILL)\n`);
  process.kill(process.pid, 'SIGKILL');
}
