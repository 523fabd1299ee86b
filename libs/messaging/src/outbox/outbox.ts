import type { EventEnvelope } from '@crm/contracts';

/**
 * The transactional outbox, embedded: an aggregate's document carries the events its change
 * emits in `outbox`, written by the same single-document insert or update as the change
 * itself (FerretDB, like sharded MongoDB, gives no multi-document transactions). The relay
 * publishes them and pulls them out.
 */
export interface OutboxEntry {
  topic: string;
  envelope: EventEnvelope<object>;
}

export interface WithOutbox {
  outbox?: OutboxEntry[];
  /** Set while `outbox` is non-empty, so the relay finds pending documents by an index. */
  outboxPending?: true;
}

/** Fields to add to an insert so the document's events leave with it. */
export function withOutbox<T extends object>(doc: T, ...entries: OutboxEntry[]): T & WithOutbox {
  return entries.length === 0 ? doc : { ...doc, outbox: entries, outboxPending: true };
}

/** Update operators that queue events beside a change: `{ ...change, ...queueEvents(e) }`. */
export function queueEvents(...entries: OutboxEntry[]) {
  return { $push: { outbox: { $each: entries } }, $set: { outboxPending: true as const } };
}
