import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppError, ErrorCode, type SendNotificationCommand } from '@crm/contracts';
import { PeriodicJob } from '@crm/service-kit';
import { foldVersions } from '../cases/case-state';
import { CaseVersionsRepository } from '../cases/case-versions.repository';
import { ComplaintsClock } from '../clock/complaints-clock';
import { ComplaintsConfig } from '../complaints.config';
import {
  type FeedbackRequestDocument,
  FeedbackRequestsRepository,
} from './feedback-requests.repository';
import { FeedbackSendClaimsRepository } from './feedback-send-claims.repository';
import { NotificationsClient } from './notifications-client';

const PER_ROUND = 200;

/** The texts (notifications has no templates yet: content with variables). */
const CONTENT = {
  satisfaction:
    'Your complaint {{caseId}} has been resolved. How satisfied are you with how we handled it? Reply 1 (not at all) to 5 (very).',
  follow_up:
    'We closed your complaint {{caseId}} a while ago. Is everything still all right? Reply YES, or NO and we will call you.',
} as const;

/**
 * Sends the satisfaction questions and follow-ups that are due through `notifications.v1.send`
 * (purpose `service`, cause = the request's id, so notifications sends each once whatever
 * happens here). Every replica runs this timer; a request is sent in a round by the replica
 * that claims it by insert. A send refused for being unavailable keeps it due for the next round.
 * Skipped without sending: an answered satisfaction question, a case whose member was erased,
 * and (left due) a follow-up of a case reopened meanwhile until it is closed again.
 */
@Injectable()
export class SendFeedbackRequests extends PeriodicJob {
  private readonly roundMs: number;

  constructor(
    config: ComplaintsConfig,
    private readonly requests: FeedbackRequestsRepository,
    private readonly claims: FeedbackSendClaimsRepository,
    private readonly versions: CaseVersionsRepository,
    private readonly notifications: NotificationsClient,
    private readonly clock: ComplaintsClock,
    protected readonly logger: PinoLogger,
  ) {
    super(config.COMPLAINT_FEEDBACK_SEND_EVERY_MS, 'sending complaint feedback requests');
    this.roundMs = config.COMPLAINT_FEEDBACK_SEND_EVERY_MS;
    logger.setContext(SendFeedbackRequests.name);
  }

  protected async runRound(): Promise<void> {
    await this.sendDue();
  }

  /** One round; returns how many requests this replica handed to notifications. */
  async sendDue(now = this.clock.now()): Promise<number> {
    const round = Math.floor(Date.now() / this.roundMs);
    let sent = 0;
    for (const request of await this.requests.due(now, PER_ROUND)) {
      const steps = await this.versions.ofCase(request.caseId);
      if (steps.length === 0) continue;
      const state = foldVersions(steps);
      if (state.memberId === null || request.memberId === null) {
        await this.requests.mark(request._id, { status: 'cancelled', outcome: 'no member' });
        continue;
      }
      if (request.kind === 'satisfaction' && state.satisfaction !== undefined) {
        await this.requests.mark(request._id, { status: 'cancelled', outcome: 'answered' });
        continue;
      }
      if (request.kind === 'follow_up' && state.status !== 'closed') continue;
      if (!(await this.claims.claim(request._id, round))) continue;
      if (await this.deliver(request, state.memberId)) sent++;
    }
    return sent;
  }

  private async deliver(request: FeedbackRequestDocument, memberId: string): Promise<boolean> {
    const command: SendNotificationCommand = {
      cause: request._id,
      memberId,
      purpose: 'service',
      content: CONTENT[request.kind],
      variables: { caseId: request.caseId },
    };
    try {
      const result = await this.notifications.send(command);
      await this.requests.mark(request._id, {
        status: result.status === 'skipped' ? 'skipped' : 'sent',
        sentAt: this.clock.now(),
        messageId: result.messageId,
        outcome: result.reason ? `${result.status}: ${result.reason}` : result.status,
      });
      return true;
    } catch (error) {
      const code = error instanceof AppError ? error.code : ErrorCode.INTERNAL;
      const reason = `${code}: ${(error as Error).message}`;
      const retryable =
        code === ErrorCode.UPSTREAM_UNAVAILABLE ||
        code === ErrorCode.UPSTREAM_TIMEOUT ||
        code === ErrorCode.INTERNAL;
      if (retryable) await this.requests.retryLater(request._id, reason);
      else await this.requests.mark(request._id, { status: 'failed', lastError: reason });
      return false;
    }
  }
}
