import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import {
  type ApplyProviderEventCommand,
  type ApplyProviderEventResult,
  type MarketingChannel,
  MARKETING_CHANNELS,
  MESSAGE_DELIVERED,
  MESSAGE_FAILED,
  MESSAGE_REPLIED,
  MESSAGE_SENT,
  type MessageEventPayload,
  Topics,
} from '@crm/contracts';
import { newEnvelope, withOutbox } from '@crm/messaging';
import { inSpan } from '@crm/observability';
import { DeliverMessage } from '../delivery/deliver-message';
import { MembersClient } from '../members/members-client';
import type { MessageDocument, MessageEventDocument } from '../messages/message.document';
import { MessagesRepository } from '../messages/messages.repository';
import { isOptOut } from './opt-out';

const EVENT_TYPES = {
  accepted: MESSAGE_SENT,
  delivered: MESSAGE_DELIVERED,
  failed: MESSAGE_FAILED,
  replied: MESSAGE_REPLIED,
} as const;

/**
 * A provider's verified callback (the gateway checked the signature). Each event is inserted
 * once under `<provider>:<eventId>` together with the Kafka event it causes, so a replay is
 * acknowledged with no second effect; the message's status is then projected from all its
 * events in order of `occurredAt`. An opt-out reply withdraws the member's marketing consent
 * for the message's channel in the members service; if that call fails, the provider's retry
 * (the same event id) finishes it — withdrawing twice changes nothing.
 */
@Injectable()
export class ApplyProviderEvent {
  constructor(
    private readonly store: MessagesRepository,
    private readonly delivery: DeliverMessage,
    private readonly members: MembersClient,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('ApplyProviderEvent');
  }

  execute(command: ApplyProviderEventCommand): Promise<ApplyProviderEventResult> {
    return inSpan('notifications.provider-event', async () => {
      const { provider, event } = command;
      const message = await this.store.find(event.messageId);
      if (!message || message.status === 'pending' || !message.channel) {
        this.logger.warn(
          { provider, eventId: event.eventId },
          'provider event for an unknown message',
        );
        return { applied: false, reason: 'unknown-message' };
      }
      const id = `${provider}:${event.eventId}`;
      const optOut = event.status === 'replied' && isOptOut(event.reply);
      const doc: MessageEventDocument = withOutbox(
        {
          _id: id,
          provider,
          eventId: event.eventId,
          messageId: message._id,
          status: event.status,
          occurredAt: new Date(event.occurredAt),
          receivedAt: new Date(),
          optOut,
          ...(optOut ? { optOutApplied: false } : {}),
        },
        {
          topic: Topics.notificationsEvents,
          envelope: newEnvelope<MessageEventPayload>({
            type: EVENT_TYPES[event.status],
            source: 'notifications',
            key: message.memberId,
            id: `provider-event:${id}`,
            payload: {
              messageId: message._id,
              memberId: message.memberId,
              channel: message.channel,
              purpose: message.purpose,
              cause: message.cause,
              provider,
              ...(event.status === 'replied' ? { optOut } : {}),
              at: new Date(event.occurredAt).toISOString(),
            },
          }),
        },
      );
      if (!(await this.store.insertEvent(doc))) {
        const first = await this.store.findEvent(id);
        if (first?.optOut && !first.optOutApplied) await this.optOut(message, id);
        return { applied: false, reason: 'replayed' };
      }
      await this.delivery.reproject(message._id);
      if (optOut) await this.optOut(message, id);
      return { applied: true };
    });
  }

  private async optOut(message: MessageDocument, eventId: string): Promise<void> {
    const channel = message.channel as MarketingChannel;
    if (!(MARKETING_CHANNELS as readonly string[]).includes(channel)) return;
    await this.members.withdrawMarketingConsent(
      message.memberId,
      channel,
      `notifications:${eventId}`,
    );
    await this.store.markOptOutApplied(eventId);
    this.logger.info(
      { memberId: message.memberId, channel },
      'opt-out reply: marketing consent withdrawn',
    );
  }
}
