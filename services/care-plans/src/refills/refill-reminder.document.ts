/**
 * One version of a member's refill reminder for one therapy: `_id` is
 * `refill:<member>:<therapy>:<n>`; the highest n is the reminder in force (inserting n + 1
 * supersedes n, and of two replicas inserting n + 1 one wins). `fill` names the transaction
 * that made it, under a unique index: a redelivered fill or refund never makes a second version.
 */
export interface RefillReminderDocument {
  _id: string;
  fill: string;
  memberId: string;
  therapy: string;
  version: number;
  transactionId: string;
  /** Days supplied by the sale, or taken back (negative) by the refund: the adherence history. */
  days?: number;
  /** A refund's sale, whose days it takes back. */
  refundOf?: string;
  /**
   * A refund that came before its sale: it moved no supply; the sale, when it comes, supplies
   * only the days not refunded.
   */
  beforeSale?: true;
  storeId: string;
  at: Date;
  supplyEndsAt: Date;
  dueAt: Date;
  /** open → sent | failed; superseded by the next version; cancelled when nothing is left. */
  status: 'open' | 'sent' | 'failed' | 'superseded' | 'cancelled';
  createdAt: Date;
  sentAt?: Date;
  messageId?: string;
  lastError?: string;
}
