import type {
  NotificationChannel,
  NotificationLanguage,
  NotificationPurpose,
  NotificationStatus,
  ProviderEventStatus,
} from '@crm/contracts';
import type { WithOutbox } from '@crm/messaging';

/** The decision is not written yet: a send that stops here is finished by the next ask for its cause. */
export type MessageStatus = NotificationStatus | 'pending';

/**
 * One message, inserted once per cause (`_id` derives from it). Holds no address: the address
 * is asked of the members service at each attempt. `status` is a projection: of the decision,
 * the attempts (`delivery_attempts`) and the provider's events (`message_events`), which are
 * inserts and can rebuild it.
 */
export interface MessageDocument extends WithOutbox {
  _id: string;
  cause: string;
  memberId: string;
  purpose: NotificationPurpose;
  /** As asked; null until decided when the caller left it to us. */
  channel: NotificationChannel | null;
  content: string | null;
  /** A campaign's text in each language it was given: the member's language picks (content stays null until decided). */
  contentByLanguage?: Partial<Record<NotificationLanguage, string>>;
  templateId: string | null;
  variables: Record<string, string>;
  urgent: boolean;
  notBefore: Date | null;
  campaignId?: string;
  status: MessageStatus;
  reason?: string;
  createdAt: Date;
  /** When the scheduler may take it next (an attempt in hand pushes it by the attempt lease). */
  dueAt: Date;
  /** Attempts claimed so far (`delivery_attempts` holds each). */
  attempts: number;
  /** Set once an attempt's outcome is unknown: every later attempt goes to this provider. */
  pinnedProvider?: string | null;
  provider?: string;
  providerMessageId?: string;
  sentAt?: Date;
  quietHoursBypassed: boolean;
  /** Set when the decision deferred it past quiet hours (kept after it goes, for the history). */
  deferredUntil?: Date;
  /** The template version the content was taken from (`<key>:v<n>`), and in which language. */
  templateVersion?: string;
  language?: string;
  /** Set when `member.erased` removed the content and variables (ids and states stay for counts). */
  erasedAt?: Date;
  /** occurredAt of the latest provider event applied. */
  lastEventAt?: Date;
}

/** One claimed attempt: `attempt:<messageId>:<n>`, inserted by the one replica that makes it. */
export interface AttemptDocument {
  _id: string;
  messageId: string;
  n: number;
  provider: string;
  claimedAt: Date;
  /** Absent while in hand (or after a crash: then the provider may have it). */
  outcome?: 'accepted' | 'refused' | 'unknown';
  reason?: string;
  finishedAt?: Date;
}

/** A provider's callback, once per `<provider>:<eventId>`. */
export interface MessageEventDocument extends WithOutbox {
  _id: string;
  provider: string;
  eventId: string;
  messageId: string;
  status: ProviderEventStatus;
  occurredAt: Date;
  receivedAt: Date;
  optOut: boolean;
  /** For an opt-out: whether the consent withdrawal reached the members service. */
  optOutApplied?: boolean;
}

export interface CapSlotDocument {
  _id: string;
  memberId: string;
  channel: string;
  slot: number;
  use: number;
  takenAt: Date;
  messageId: string;
}

/**
 * Our side's final facts with the Kafka events they cause: `failed:<message>`, inserted once,
 * and `sent:<flush>`, one per flush of accepted sends with each message's `message.sent`
 * (DeliverMessage.recordAccepted). Kept off the message document: on the local store an update
 * is read-change-write of the whole document, so the relay clearing an outbox there could undo
 * a status written meanwhile.
 */
export interface MessageOutcomeDocument extends WithOutbox {
  _id: string;
  messageIds: string[];
  kind: 'sent' | 'failed';
  at: Date;
  reason?: string;
}
