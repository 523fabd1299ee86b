import { Injectable } from '@nestjs/common';
import { TestClock } from '@crm/service-kit';
import { NotificationsConfig } from '../notifications.config';

/**
 * What day it is for the festival check: the wall clock in production; in tests, moved by the
 * file NOTIFICATIONS_TEST_CLOCK_FILE names (TestClock), to reach a festival's date.
 */
@Injectable()
export class NotificationsClock extends TestClock {
  constructor(config: NotificationsConfig) {
    super(config.NOTIFICATIONS_TEST_CLOCK_FILE);
  }
}
