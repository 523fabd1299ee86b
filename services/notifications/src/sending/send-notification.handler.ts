import { Injectable } from '@nestjs/common';
import {
  AppError,
  ErrorCode,
  type MemberContactView,
  type NotificationChannel,
  type SendNotificationCommand,
  type SendNotificationResult,
} from '@crm/contracts';
import { inSpan } from '@crm/observability';
import { MarketingCaps } from '../do-not-disturb/marketing-caps';
import { quietUntil, quietWindow } from '../do-not-disturb/quiet-hours';
import { DeliveryScheduler } from '../delivery/delivery-scheduler';
import { MembersClient } from '../members/members-client';
import type { MessageDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { NotificationsConfig } from '../notifications.config';
import { messageIdFor, renderContent } from './message-id';

/** Tried in this order when the caller names no channel (until members state preferences). */
const DEFAULT_CHANNELS: NotificationChannel[] = ['sms', 'email'];

type Decision = Pick<
  MessageDocument,
  'status' | 'reason' | 'channel' | 'dueAt' | 'quietHoursBypassed'
>;

/**
 * `notifications.v1.send` (CONTRACTS.md §6), once per cause. The message is inserted first
 * under the id its cause names, as `pending`; then its fate is decided (member, address,
 * consent, cap, quiet hours) and written. Asking again for a cause answers the first decision;
 * a decision cut off by a crash is made by the next ask (a redelivered trigger), and takes no
 * second cap slot (slots are found by message id first).
 */
@Injectable()
export class SendNotification {
  constructor(
    private readonly store: MessagesRepository,
    private readonly members: MembersClient,
    private readonly caps: MarketingCaps,
    private readonly scheduler: DeliveryScheduler,
    private readonly config: NotificationsConfig,
  ) {}

  execute(command: SendNotificationCommand, campaignId?: string): Promise<SendNotificationResult> {
    return inSpan('notifications.send', async () => {
      const id = messageIdFor(command.cause);
      let doc = await this.store.find(id);
      if (!doc) {
        const now = new Date();
        const fresh: MessageDocument = {
          _id: id,
          cause: command.cause,
          memberId: command.memberId,
          purpose: command.purpose,
          channel: command.channel ?? null,
          content: command.content ?? null,
          templateId: command.templateId ?? null,
          variables: command.variables ?? {},
          urgent: command.urgent === true,
          notBefore: command.notBefore ? new Date(command.notBefore) : null,
          ...(campaignId ? { campaignId } : {}),
          status: 'pending',
          createdAt: now,
          dueAt: now,
          attempts: 0,
          quietHoursBypassed: false,
        };
        if (!(await this.store.insert(fresh))) doc = await this.store.find(id);
        else doc = fresh;
      }
      if (!doc) throw new AppError(ErrorCode.INTERNAL, 'The message vanished while being sent');
      if (doc.status !== 'pending') return resultOf(doc);

      const decision = await this.decide(doc);
      await this.store.update(id, decision);
      if (decision.status === 'queued' && decision.dueAt.getTime() <= Date.now())
        this.scheduler.nudge();
      return resultOf({ ...doc, ...decision });
    });
  }

  private async decide(doc: MessageDocument): Promise<Decision> {
    const now = new Date();
    const skip = (reason: string, channel = doc.channel): Decision => ({
      status: 'skipped',
      reason,
      channel,
      dueAt: now,
      quietHoursBypassed: false,
    });
    if (doc.templateId !== null && doc.content === null)
      return skip('templates are not available yet: send content');
    const rendered = renderContent(doc.content ?? '', doc.variables);
    if ('missing' in rendered) return skip(`missing variables: ${rendered.missing.join(', ')}`);

    const candidates = doc.channel ? [doc.channel] : DEFAULT_CHANNELS;
    let contact: MemberContactView | null = null;
    let lastReason = 'no-address';
    for (const channel of candidates) {
      if (channel === 'call') return skip('call tasks are not available yet', channel);
      let found: MemberContactView;
      try {
        found = await this.members.contact(doc.memberId, channel);
      } catch (error) {
        if ((error as AppError)?.code === ErrorCode.MEMBER_NOT_FOUND)
          return skip('member-not-found', channel);
        throw error; // members unavailable: the caller retries, the message stays pending
      }
      if (found.erased) return skip('member-erased', channel);
      if (!found.address) {
        lastReason = 'no-address';
        continue;
      }
      if (doc.purpose === 'marketing' && !found.marketingConsent) {
        lastReason = 'no-marketing-consent';
        continue;
      }
      contact = found;
      break;
    }
    if (!contact) return skip(lastReason, doc.channel ?? candidates[0]!);
    const channel = contact.channel;

    const due = doc.notBefore && doc.notBefore > now ? doc.notBefore : now;
    const quietEnd = quietUntil(
      due,
      quietWindow(this.config.QUIET_HOURS_START, this.config.QUIET_HOURS_END),
      this.config.CHAIN_UTC_OFFSET_MINUTES,
    );
    const bypass = quietEnd !== null && doc.urgent && doc.purpose === 'clinical';

    if (doc.purpose === 'marketing' && !(await this.caps.take(doc.memberId, channel, doc._id, now)))
      return skip(
        `cap-reached: ${this.caps.capOf(channel)} marketing ${channel} messages per rolling year`,
        channel,
      );
    if (quietEnd && !bypass)
      return {
        status: 'deferred',
        reason: 'quiet-hours',
        channel,
        dueAt: quietEnd,
        quietHoursBypassed: false,
      };
    return { status: 'queued', channel, dueAt: due, quietHoursBypassed: bypass };
  }
}

function resultOf(doc: Pick<MessageDocument, '_id' | 'status' | 'reason'>): SendNotificationResult {
  return {
    messageId: doc._id,
    status: doc.status === 'pending' ? 'queued' : doc.status,
    ...(doc.reason ? { reason: doc.reason } : {}),
  };
}
