import { readFileSync } from 'node:fs';

/**
 * A service's "now": the wall clock, or, when a test names a file (a setting refused outside
 * NODE_ENV=test, see OnlyInTests), the wall clock plus the offset written there
 * (`{"offsetMs": n}`). An end-to-end test moves a running process hours, days or a year ahead
 * (an SLA missed, a festival reached) without waiting for it. The file is read on every call, so
 * a test's move is seen by the very next one.
 */
export class TestClock {
  private readonly file?: string;

  constructor(file: string | undefined) {
    if (process.env.NODE_ENV === 'test') this.file = file;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs());
  }

  private offsetMs(): number {
    if (!this.file) return 0;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { offsetMs?: unknown };
      if (typeof parsed.offsetMs === 'number' && Number.isFinite(parsed.offsetMs))
        return parsed.offsetMs;
    } catch {
      // No file yet (or half written): the wall clock.
    }
    return 0;
  }
}
