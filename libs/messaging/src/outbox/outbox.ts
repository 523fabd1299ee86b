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
  /**
   * Set while `outbox` holds events: a top-level equality the store can answer from an index
   * (a dotted `$exists` on the entries would scan every document of the collection).
   */
  outboxPending?: true;
}

/** Documents with events to send: `PENDING_OUTBOX` finds them through `OUTBOX_INDEX`. */
export const PENDING_OUTBOX = { outboxPending: true } as const;
export const OUTBOX_INDEX = {
  key: { outboxPending: 1 },
  name: 'outbox_pending_flag',
  sparse: true,
} as const;

/** Fields to add to an insert so the document's events leave with it. */
export function withOutbox<T extends object>(doc: T, ...entries: OutboxEntry[]): T & WithOutbox {
  return entries.length === 0 ? doc : { ...doc, outbox: entries, outboxPending: true };
}

/**
 * Update operators that queue events beside a change. Merge `$set` with the change's own:
 * `{ $set: { ...change, ...queued.$set }, $push: queued.$push }`.
 */
export function queueEvents(...entries: OutboxEntry[]) {
  return {
    $push: { outbox: { $each: entries } },
    $set: { outboxPending: true as const },
  };
}
