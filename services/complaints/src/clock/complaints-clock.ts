import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { ComplaintsConfig } from '../complaints.config';

/**
 * The service's "now". In production the wall clock. Under NODE_ENV=test only, when
 * COMPLAINTS_TEST_CLOCK_FILE names a file, the wall clock plus the offset written there
 * (`{"offsetMs": n}`): an end-to-end test moves a running process hours or days ahead to see an
 * SLA target missed and escalated, without waiting for it. The config refuses the variable
 * anywhere else, so no deployment can have its clock moved.
 */
@Injectable()
export class ComplaintsClock {
  private readonly file?: string;

  constructor(config: ComplaintsConfig) {
    if (process.env.NODE_ENV === 'test') this.file = config.COMPLAINTS_TEST_CLOCK_FILE;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs());
  }

  /** Read on every call (tests only): a test's move is seen by the very next request. */
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
