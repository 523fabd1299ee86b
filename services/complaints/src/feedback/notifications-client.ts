import { Injectable } from '@nestjs/common';
import {
  type SendNotificationCommand,
  type SendNotificationResult,
  Subjects,
} from '@crm/contracts';
import { ServiceRpc } from '@crm/service-kit';
import { ComplaintsConfig } from '../complaints.config';

/** What complaints asks notifications, as the service itself: a message to a member, once per cause. */
@Injectable()
export class NotificationsClient {
  constructor(
    private readonly rpc: ServiceRpc,
    private readonly config: ComplaintsConfig,
  ) {}

  send(command: SendNotificationCommand): Promise<SendNotificationResult> {
    return this.rpc.request<SendNotificationResult>(Subjects.notifications.send, command, {
      timeoutMs: this.config.COMPLAINT_REQUEST_TIMEOUT_MS,
    });
  }
}
