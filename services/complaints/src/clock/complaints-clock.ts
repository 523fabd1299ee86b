import { Injectable } from '@nestjs/common';
import { TestClock } from '@crm/service-kit';
import { ComplaintsConfig } from '../complaints.config';

/**
 * The service's "now": the wall clock in production; in tests, moved by the file
 * COMPLAINTS_TEST_CLOCK_FILE names (TestClock), to see an SLA target missed and escalated
 * without waiting for it.
 */
@Injectable()
export class ComplaintsClock extends TestClock {
  constructor(config: ComplaintsConfig) {
    super(config.COMPLAINTS_TEST_CLOCK_FILE);
  }
}
