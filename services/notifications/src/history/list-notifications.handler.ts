import { Injectable } from '@nestjs/common';
import {
  type ListMemberNotificationsRequest,
  type MemberTimelinePage,
  type MemberTimelineRequest,
  type NotificationHistoryEntry,
  type NotificationList,
  type NotificationView,
  parseTimelineCursor,
  timelineCursor,
} from '@crm/contracts';
import type {
  AttemptDocument,
  MessageDocument,
  MessageEventDocument,
} from '../messages/message.document';
import { statusFromEvents } from '../messages/message-status';
import { MessagesRepository } from '../messages/messages.repository';

const DEFAULT_LIMIT = 20;

/**
 * A member's messages, newest first, a page at a time: `GET /members/{id}/notifications` and
 * the timeline. Each message's history is rebuilt from its inserts (decision, attempts,
 * provider events), never the address or the text.
 */
@Injectable()
export class ListNotifications {
  constructor(private readonly store: MessagesRepository) {}

  async execute(request: ListMemberNotificationsRequest): Promise<NotificationList> {
    const limit = request.limit ?? DEFAULT_LIMIT;
    const docs = await this.store.page(
      request.memberId,
      parseTimelineCursor(request.cursor),
      limit + 1,
    );
    const page = docs.slice(0, limit);
    const ids = page.map((doc) => doc._id);
    const [attempts, events] = await Promise.all([
      this.store.attemptsOf(ids),
      this.store.eventsOf(ids),
    ]);
    const items = page.map((doc) =>
      toView(
        doc,
        attempts.filter((a) => a.messageId === doc._id),
        events.filter((e) => e.messageId === doc._id),
      ),
    );
    const last = page.at(-1);
    return {
      items,
      nextCursor:
        docs.length > limit && last
          ? timelineCursor({ at: last.createdAt.toISOString(), id: last._id })
          : null,
    };
  }

  async timeline(request: MemberTimelineRequest): Promise<MemberTimelinePage> {
    const list = await this.execute({
      memberId: request.memberId,
      cursor: request.cursor,
      limit: request.limit,
    });
    return {
      items: list.items.map((item) => ({
        at: item.createdAt,
        service: 'notifications',
        kind: `message.${item.status}`,
        id: item.messageId,
        summary: `${item.purpose} ${item.channel ?? ''} message ${item.status}${item.reason ? ` (${item.reason})` : ''}`,
      })),
      nextCursor: list.nextCursor,
    };
  }
}

export function toView(
  doc: MessageDocument,
  attempts: AttemptDocument[],
  events: MessageEventDocument[],
): NotificationView {
  const accepted = acceptedAttempt(doc, attempts);
  const history: NotificationHistoryEntry[] = [
    {
      status:
        doc.status === 'pending'
          ? 'queued'
          : doc.status === 'skipped'
            ? 'skipped'
            : doc.deferredUntil || (doc.dueAt > doc.createdAt && doc.reason === 'quiet-hours')
              ? 'deferred'
              : 'queued',
      at: doc.createdAt.toISOString(),
      ...(doc.status === 'skipped'
        ? { reason: doc.reason }
        : doc.deferredUntil || doc.reason === 'quiet-hours'
          ? { reason: 'quiet-hours' }
          : {}),
    },
    ...attempts
      .sort((a, b) => a.n - b.n)
      .map((a) => {
        const outcome = a === accepted ? 'accepted' : a.outcome;
        return {
          status: (outcome === 'accepted'
            ? 'sent'
            : 'queued') as NotificationHistoryEntry['status'],
          at: (
            a.finishedAt ??
            (a === accepted ? doc.sentAt : undefined) ??
            a.claimedAt
          ).toISOString(),
          provider: a.provider,
          reason: `attempt ${a.n}: ${outcome ?? 'in hand or interrupted'}${a.reason ? ` (${a.reason})` : ''}`,
        };
      }),
    ...events
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
      .map((e) => ({
        status: (e.status === 'accepted' ? 'sent' : e.status) as NotificationHistoryEntry['status'],
        at: e.occurredAt.toISOString(),
        provider: e.provider,
        ...(e.optOut ? { reason: 'opt-out reply' } : {}),
      })),
  ];
  // Derived from the inserts, which no concurrent write can undo; the document's copy is a
  // projection that may lag (see DeliverMessage.reproject).
  const fromEvents = statusFromEvents(events);
  const status =
    fromEvents?.status ??
    (accepted && (doc.status === 'queued' || doc.status === 'deferred') ? 'sent' : doc.status);
  const provider = accepted?.provider ?? doc.provider ?? events[0]?.provider;
  return {
    messageId: doc._id,
    channel: doc.channel,
    purpose: doc.purpose,
    status: status === 'pending' ? 'queued' : status,
    ...(doc.reason ? { reason: doc.reason } : {}),
    cause: doc.cause,
    ...(doc.campaignId ? { campaignId: doc.campaignId } : {}),
    createdAt: doc.createdAt.toISOString(),
    dueAt: doc.dueAt.toISOString(),
    ...(provider ? { provider } : {}),
    attempts: doc.attempts,
    quietHoursBypassed: doc.quietHoursBypassed,
    history,
  };
}

/**
 * The attempt the provider accepted: marked so (as earlier versions did), or the attempt the
 * message was marked sent by (its number and provider are the message's own).
 */
function acceptedAttempt(
  doc: MessageDocument,
  attempts: AttemptDocument[],
): AttemptDocument | undefined {
  return (
    attempts.find((a) => a.outcome === 'accepted') ??
    (doc.sentAt
      ? attempts.find((a) => !a.outcome && a.n === doc.attempts && a.provider === doc.provider)
      : undefined)
  );
}
